# The addon compiles against Debian's libtorch-dev by default, or against the libtorch folder
# named by the LIBTORCH environment variable (gyp/libtorch.cjs resolves both).
{
  "targets": [
    {
      "target_name": "tfjs_backend_torch",
      "sources": ["native/addon.cc", "native/ops_tensor.cc", "native/ops_nn.cc"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node gyp/libtorch.cjs include)"
      ],
      "libraries": ["<!@(node gyp/libtorch.cjs libs)"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "<!@(node gyp/libtorch.cjs defines)"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-Wno-unused-parameter", "-Wno-deprecated-declarations"]
    }
  ]
}
