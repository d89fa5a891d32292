"""Checks, where verl runs, that an exported file renders to the library's prompts and scores as the library does.

For each row (up to --rows) it renders `prompt` with the model's tokenizer and the exported chat template, as verl's
RLHFDataset does (apply_chat_template with add_generation_prompt=True), and compares the text with
`extra_info.prompt_text`, the prompt the library's trainer tokenises; then it scores the answer that eliminates the
row's worst candidate, which must earn the full reward of 1. Needs pandas, pyarrow and transformers (all of them
come with verl); the project's CI checks the same rows and rewards from C# without them.

usage: python3 tools/verl/check_prompts.py verl-data/train.parquet verl-data/chat_template.jinja /models/Qwen2.5-3B-Instruct [--rows 200]
"""

import argparse
import json
import os
import sys

import pandas
from transformers import AutoTokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import iranker_reward  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("parquet")
    parser.add_argument("template")
    parser.add_argument("model")
    parser.add_argument("--rows", type=int, default=200)
    args = parser.parse_args()

    tokenizer = AutoTokenizer.from_pretrained(args.model)
    template = open(args.template, encoding="utf-8").read()
    frame = pandas.read_parquet(args.parquet).head(args.rows)
    bad = 0
    for _, row in frame.iterrows():
        messages = [dict(m) for m in row["prompt"]]
        rendered = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False, chat_template=template)
        extra = row["extra_info"]
        if rendered != extra["prompt_text"]:
            bad += 1
            print(f"row {extra['index']}: the rendered prompt differs from the library's", file=sys.stderr)
        truth = json.loads(row["reward_model"]["ground_truth"])
        worst = truth["ids"][truth["labels"].index(min(truth["labels"]))]
        answer = f"</think>\n<answer>{worst}</answer>" if truth["mode"] == "Reasoning" else f"{worst}</answer>"
        score = iranker_reward.compute_score(row["data_source"], answer, row["reward_model"]["ground_truth"], extra)
        if score != 1.0:
            bad += 1
            print(f"row {extra['index']}: eliminating the worst candidate scored {score}, not 1", file=sys.stderr)
    print(f"{len(frame)} rows checked, {bad} problems")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
