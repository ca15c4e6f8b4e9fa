"""The SLN network (ResNet + FPN to P2 + heads) in PyTorch, parameter for parameter the same as
src/detectors/sln/ in facepatch, for parity tests and as the benchmark's peer."""
import torch
import torch.nn as nn
import torch.nn.functional as F

# name: (block, layers[, groups, width_per_group]) as torchvision's resnet*/resnext* constructors
SPECS = {
    "resnet18": ("basic", [2, 2, 2, 2]),
    "resnet50": ("bottleneck", [3, 4, 6, 3]),
    "resnet101": ("bottleneck", [3, 4, 23, 3]),
    "resnext101_32x8d": ("bottleneck", [3, 4, 23, 3], 32, 8),
}
WIDTHS = [64, 128, 256, 512]
ANCHORS = 4


class Basic(nn.Module):
    expansion = 1

    def __init__(self, cin, width, stride, downsample):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, width, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.downsample = nn.Sequential(nn.Conv2d(cin, width, 1, stride, bias=False), nn.BatchNorm2d(width)) if downsample else None

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (self.downsample(x) if self.downsample is not None else x))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, planes, stride, downsample, groups=1, width_per_group=64):
        super().__init__()
        width = int(planes * (width_per_group / 64.0)) * groups  # torchvision's Bottleneck
        self.conv1 = nn.Conv2d(cin, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, groups=groups, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.downsample = nn.Sequential(nn.Conv2d(cin, planes * 4, 1, stride, bias=False), nn.BatchNorm2d(planes * 4)) if downsample else None

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return F.relu(y + (self.downsample(x) if self.downsample is not None else x))


class FPN(nn.Module):
    def __init__(self, channels):
        super().__init__()
        for i, c in enumerate(channels):
            setattr(self, f"lateral{i + 2}", nn.Conv2d(c, 256, 1))

    def forward(self, feats):
        lats = [getattr(self, f"lateral{i + 2}")(c) for i, c in enumerate(feats)]
        p = lats[3]
        for level in (2, 1, 0):
            lat = lats[level]
            up = F.interpolate(p, scale_factor=2, mode="bilinear", align_corners=False)
            p = lat + up[:, :, : lat.shape[2], : lat.shape[3]]
        return p


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.cls_conv = nn.Conv2d(256, 256, 3, 1, 1)
        self.cls_out = nn.Conv2d(256, ANCHORS * 2, 1)
        self.reg_conv = nn.Conv2d(256, 256, 3, 1, 1)
        self.reg_out = nn.Conv2d(256, ANCHORS * 4, 1)


class SLN(nn.Module):
    def __init__(self, backbone="resnet18"):
        super().__init__()
        kind, layers, *grouping = SPECS[backbone]
        block = Basic if kind == "basic" else Bottleneck
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        cin = 64
        for stage, count in enumerate(layers):
            blocks = []
            for i in range(count):
                stride = 2 if i == 0 and stage > 0 else 1
                width = WIDTHS[stage]
                blocks.append(block(cin, width, stride, i == 0 and (stride != 1 or cin != width * block.expansion), *grouping))
                cin = width * block.expansion
            setattr(self, f"layer{stage + 1}", nn.Sequential(*blocks))
        self.fpn = FPN([w * block.expansion for w in WIDTHS])
        self.head = Head()
        self.register_buffer("mean", torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1), persistent=False)

    def forward(self, images):
        """images: [B, 3, H, W] RGB in [0, 1]. Returns logits [B, A, 2], regression [B, A, 4]."""
        x = (images - self.mean) / self.std
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 3, 2, 1)
        feats = []
        for stage in range(4):
            x = getattr(self, f"layer{stage + 1}")(x)
            feats.append(x)
        p = self.fpn(feats)
        cls = self.head.cls_out(F.relu(self.head.cls_conv(p)))
        reg = self.head.reg_out(F.relu(self.head.reg_conv(p)))
        b = images.shape[0]
        return cls.permute(0, 2, 3, 1).reshape(b, -1, 2), reg.permute(0, 2, 3, 1).reshape(b, -1, 4)
