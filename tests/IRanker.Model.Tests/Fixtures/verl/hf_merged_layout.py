"""Writes a model folder the way verl's model merger leaves one: Hugging Face's save layout, in bfloat16.

verl's merger gathers the FSDP shards of the actor and saves them with transformers' save_pretrained. That gives
  model-00001-of-0000N.safetensors ...  sharded at a size limit, a tensor bigger than the limit alone in its shard,
                                        each file's header with {"__metadata__": {"format": "pt"}}, padded with spaces
                                        to a multiple of 8 bytes
  model.safetensors.index.json          {"metadata": {"total_size": bytes of all tensors}, "weight_map": {name: file}}
  config.json                           with "torch_dtype": "bfloat16" and "architectures"
  generation_config.json
  tokenizer.json, tokenizer_config.json, special_tokens_map.json (the tokenizer it was given)
A tied head (tie_word_embeddings) is not written, as save_pretrained drops shared tensors.

This script builds such a folder from a float32 model.safetensors without the project's own writer and without any
package: it parses and writes safetensors by hand and rounds float32 to bfloat16 to nearest even, as torch does.
The loading test (tests/IRanker.Model.Tests/Checkpoints/VerlMergedCheckpointTests.cs) runs it with python3.

usage: hf_merged_layout.py SOURCE_FOLDER TARGET_FOLDER TOKENIZER_FOLDER [MAX_SHARD_BYTES]
"""

import json
import os
import shutil
import struct
import sys
from array import array


def read_safetensors(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    header.pop("__metadata__", None)
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        tensors[name] = (entry["dtype"], entry["shape"], data[begin:end])
    return tensors


def to_bfloat16(dtype, raw):
    if dtype == "BF16":
        return raw
    if dtype != "F32":
        raise ValueError(f"cannot convert {dtype} to BF16")
    words = array("I")
    words.frombytes(raw)
    if sys.byteorder != "little":
        words.byteswap()
    halves = array("H", [
        ((x >> 16) | 0x40) if (x & 0x7F800000) == 0x7F800000 and (x & 0x7FFFFF) else ((x + 0x7FFF + ((x >> 16) & 1)) >> 16) & 0xFFFF
        for x in words
    ])
    if sys.byteorder != "little":
        halves.byteswap()
    return halves.tobytes()


def write_safetensors(path, tensors):
    header = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for _, _, raw in tensors.values():
            f.write(raw)


def shard(tensors, limit):
    """Tensors in order into shards of at most `limit` bytes; one bigger than the limit gets a shard of its own."""
    shards, current, size = [], {}, 0
    for name, tensor in tensors.items():
        n = len(tensor[2])
        if current and size + n > limit:
            shards.append(current)
            current, size = {}, 0
        current[name] = tensor
        size += n
    if current:
        shards.append(current)
    return shards


def main(source, target, tokenizer, limit):
    os.makedirs(target, exist_ok=True)
    config = json.load(open(os.path.join(source, "config.json"), encoding="utf-8"))
    tensors = {name: ("BF16", shape, to_bfloat16(dtype, raw))
               for name, (dtype, shape, raw) in sorted(read_safetensors(os.path.join(source, "model.safetensors")).items())}
    if config.get("tie_word_embeddings", False):
        tensors.pop("lm_head.weight", None)

    shards = shard(tensors, limit)
    weight_map = {}
    for i, part in enumerate(shards, start=1):
        file = f"model-{i:05d}-of-{len(shards):05d}.safetensors"
        write_safetensors(os.path.join(target, file), part)
        weight_map.update({name: file for name in part})
    index = {"metadata": {"total_size": sum(len(t[2]) for t in tensors.values())}, "weight_map": dict(sorted(weight_map.items()))}
    json.dump(index, open(os.path.join(target, "model.safetensors.index.json"), "w", encoding="utf-8"), indent=2)

    config["architectures"] = ["Qwen2ForCausalLM"]
    config["torch_dtype"] = "bfloat16"
    config.pop("dtype", None)
    config["transformers_version"] = "4.51.3"
    config["use_cache"] = True
    json.dump(config, open(os.path.join(target, "config.json"), "w", encoding="utf-8"), indent=2)
    generation = {"bos_token_id": 151643, "eos_token_id": [151645, 151643], "pad_token_id": 151643, "do_sample": True,
                  "temperature": 0.7, "top_p": 0.8, "top_k": 20, "repetition_penalty": 1.05, "transformers_version": "4.51.3"}
    json.dump(generation, open(os.path.join(target, "generation_config.json"), "w", encoding="utf-8"), indent=2)

    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copyfile(os.path.join(tokenizer, name), os.path.join(target, name))
    special = {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>",
               "additional_special_tokens": ["<|im_start|>", "<|im_end|>"]}
    json.dump(special, open(os.path.join(target, "special_tokens_map.json"), "w", encoding="utf-8"), indent=2)
    print(json.dumps({"shards": len(shards), "tensors": len(tensors), "total_size": index["metadata"]["total_size"]}))


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) == 5 else 5 * 1024 ** 3)
