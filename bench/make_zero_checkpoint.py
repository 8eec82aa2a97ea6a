#!/usr/bin/env python3
"""Writes a zero-weight single-file checkpoint with every name and shape of a real architecture.

    python3 bench/make_zero_checkpoint.py ../shared/golden/real-architectures.json sd15 /tmp/sd15-zero.safetensors

The data section is a hole (a sparse file): it reads as zeros and takes no disk. fp16, as published files are.
SD 2.1 gets the 24th OpenCLIP block and the CLIP head that published files carry. Standard library only.
"""
import json
import struct
import sys


def main(table_path, model, out_path):
    table = json.load(open(table_path))[model]["ldm_single_file"]
    shapes = dict(table)
    shapes["betas"] = [1000]
    shapes["alphas_cumprod"] = [1000]
    if model == "sd21":
        for name, shape in list(table.items()):
            if ".resblocks.22." in name:
                shapes[name.replace(".resblocks.22.", ".resblocks.23.")] = shape
        shapes["cond_stage_model.model.text_projection"] = [1024, 1024]
    header, offset = {}, 0
    for name, shape in shapes.items():
        n = 2
        for d in shape:
            n *= d
        header[name] = {"dtype": "F16", "shape": shape, "data_offsets": [offset, offset + n]}
        offset += n
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-(len(head) + 8) % 8)
    with open(out_path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        f.truncate(8 + len(head) + offset)
    print(out_path, offset // (1 << 20), "MiB of zero fp16 weights")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
