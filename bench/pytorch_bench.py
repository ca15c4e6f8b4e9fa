"""The benchmark's PyTorch peer: the same networks facepatch times, in PyTorch on the CPU with
2 threads and channels_last. One workload per process: prints one JSON line with the median
milliseconds and the process's peak memory. Run by `facepatch bench`."""
import importlib.util, json, os, resource, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from pytorch_sln import SLN


class SsdMobileNetV1(nn.Module):
    """face-api's SSD MobileNetV1 layout: MobileNetV1 (13 depthwise/pointwise pairs), 4 extra
    feature layers, 6 box predictors (3 anchors on the 32x32 map, 6 elsewhere: 5118 in all),
    3 classes, 512x512 input, 'same' padding as TensorFlow."""

    PAIRS = [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 512, 2)] + [(512, 512, 1)] * 5 + [(512, 1024, 2), (1024, 1024, 1)]
    EXTRAS = [(1024, 256, 512), (512, 128, 256), (256, 128, 256), (256, 64, 128)]

    def __init__(self):
        super().__init__()
        self.conv0 = nn.Conv2d(3, 32, 3, 2, 1)
        self.pairs = nn.ModuleList()
        for cin, cout, stride in self.PAIRS:
            self.pairs.append(nn.ModuleList([nn.Conv2d(cin, cin, 3, stride, 1, groups=cin), nn.Conv2d(cin, cout, 1)]))
        self.extras = nn.ModuleList()
        for cin, mid, cout in self.EXTRAS:
            self.extras.append(nn.ModuleList([nn.Conv2d(cin, mid, 1), nn.Conv2d(mid, cout, 3, 2, 1)]))
        channels = [512, 1024, 512, 256, 256, 128]
        anchors = [3, 6, 6, 6, 6, 6]
        self.box = nn.ModuleList([nn.Conv2d(c, a * 4, 1) for c, a in zip(channels, anchors)])
        self.cls = nn.ModuleList([nn.Conv2d(c, a * 3, 1) for c, a in zip(channels, anchors)])

    def forward(self, x):
        x = F.relu6(self.conv0(x * 2 - 1))
        feats = []
        for i, (dw, pw) in enumerate(self.pairs):
            x = F.relu6(pw(F.relu6(dw(x))))
            if i == 10:
                feats.append(x)
        feats.append(x)
        for a, b in self.extras:
            x = F.relu6(b(F.relu6(a(x))))
            feats.append(x)
        n = x.shape[0]
        boxes = torch.cat([m(f).permute(0, 2, 3, 1).reshape(n, -1, 4) for m, f in zip(self.box, feats)], 1)
        scores = torch.cat([m(f).permute(0, 2, 3, 1).reshape(n, -1, 3) for m, f in zip(self.cls, feats)], 1)
        return boxes, torch.sigmoid(scores[..., 1])


def workload(name):
    if name.startswith("r18fpn640"):
        net = SLN("resnet18").to(memory_format=torch.channels_last)
        x = torch.rand(1, 3, 640, 640).contiguous(memory_format=torch.channels_last)
        if name == "r18fpn640-fwd":
            net.eval()
            def run():
                with torch.no_grad():
                    net(x)[0].sum().item()
            return run
        if name == "r18fpn640-grad-input":
            net.eval()
            for p in net.parameters():
                p.requires_grad_(False)
            def run():
                xi = x.clone().requires_grad_(True)
                logits, _ = net(xi)
                torch.softmax(logits, -1).sum().backward()
                xi.grad.sum().item()
            return run
        if name == "r18fpn640-train-step":
            net.train()
            opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
            def run():
                opt.zero_grad()
                logits, reg = net(x)
                loss = logits.square().mean() + reg.square().mean()
                loss.backward()
                opt.step()
                loss.item()
            return run
    if name.startswith("ssd-mobilenetv1"):
        net = SsdMobileNetV1().eval().to(memory_format=torch.channels_last)
        for p in net.parameters():
            p.requires_grad_(False)
        x = torch.rand(1, 3, 512, 512).contiguous(memory_format=torch.channels_last)
        if name == "ssd-mobilenetv1-fwd":
            def run():
                with torch.no_grad():
                    net(x)[1].sum().item()
            return run
        if name == "ssd-mobilenetv1-grad-input":
            def run():
                xi = x.clone().requires_grad_(True)
                net(xi)[1].sum().backward()
                xi.grad.sum().item()
            return run
    if name.startswith("retinaface-mobilenet0.25"):
        net = retinaface()
        x = torch.rand(1, 3, 480, 640).contiguous(memory_format=torch.channels_last)
        if name == "retinaface-mobilenet0.25-fwd":
            def run():
                with torch.no_grad():
                    net(x)[1][..., 1].sum().item()
            return run
        if name == "retinaface-mobilenet0.25-grad-input":
            def run():
                xi = x.clone().requires_grad_(True)
                net(xi)[1][..., 1].sum().backward()
                xi.grad.sum().item()
            return run
    raise SystemExit(f"unknown workload {name}")


def retinaface():
    """The PyTorch twin that the RetinaFace parity test uses as its oracle, with the shared
    weights (FACEPATCH_SHARED, else ../shared beside the package)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    fixture = os.path.join(root, "test", "detectors", "retinaface", "fixtures", "reference_retinaface.py")
    spec = importlib.util.spec_from_file_location("reference_retinaface", fixture)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shared = os.environ.get("FACEPATCH_SHARED") or os.path.join(root, "..", "shared")
    weights = os.path.join(shared, "models", "retinaface-mobilenet0.25", "mobilenet0.25_Final.pth")
    if not os.path.exists(weights):
        raise SystemExit(f"missing {weights} (set FACEPATCH_SHARED)")
    net = module.load_retinaface(weights).to(memory_format=torch.channels_last)
    for p in net.parameters():
        p.requires_grad_(False)
    return net


def main():
    name, runs, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(int(os.environ.get("FACEPATCH_BENCH_THREADS", "2")))
    torch.manual_seed(0)
    run = workload(name)
    for _ in range(warmup):
        run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    median = times[len(times) // 2] if len(times) % 2 else (times[len(times) // 2 - 1] + times[len(times) // 2]) / 2
    print(json.dumps({"name": name, "backend": "pytorch", "ms": median, "runs": times, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
