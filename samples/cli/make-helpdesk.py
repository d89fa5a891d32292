#!/usr/bin/env python3
"""Writes helpdesk-train.tsv and helpdesk-test.tsv: a made-up help desk's questions, candidate answers and graded
relevance (question, answer, relevance), the kind of file a user brings to `iranker` (docs/cli.md). Deterministic."""
import random

PRODUCTS = ["printer", "router", "laptop", "phone", "tablet", "camera", "monitor", "keyboard", "speaker", "scanner",
            "headset", "projector", "smartwatch", "drone", "modem", "charger", "mouse", "webcam", "console", "thermostat"]
PROBLEMS = [
    ("will not turn on", "hold the power button for ten seconds, then plug the {p} into another outlet"),
    ("keeps disconnecting", "update the {p} firmware and move it closer to the access point"),
    ("is very slow", "restart the {p} and remove the apps you do not use"),
    ("shows an error light", "read the error code in the {p} manual and reset it to factory settings"),
    ("makes a strange noise", "check the {p} for loose parts and contact support for a repair"),
]

def rows(rng, pairs):
    out = []
    for i, (n, k) in enumerate(pairs):
        p = PRODUCTS[n]
        problem, fix = PROBLEMS[k]
        other_problem, other_fix = PROBLEMS[(k + 2) % len(PROBLEMS)]
        other_product = PRODUCTS[(n + 7) % len(PRODUCTS)]
        question = f"my {p} {problem}, what should I do?"
        answers = [
            (f"{fix.format(p=p)}", 3),
            (f"if your {p} {problem}, a restart often helps", 2),
            (f"{other_fix.format(p=p)}", 1),
            (f"{fix.format(p=other_product)}", 0),
            ("our shop is open from nine to five on weekdays", 0),
        ]
        rng.shuffle(answers)
        out += [(question, a, r) for a, r in answers]
    return out

def write(path, data):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("question\tanswer\trelevance\n")
        for q, a, r in data:
            f.write(f"{q}\t{a}\t{r}\n")

rng = random.Random(7)
pairs = [(n, k) for n in range(len(PRODUCTS)) for k in range(len(PROBLEMS))]
rng.shuffle(pairs)
# Every question once: 80 to train on, the other 20 to test on.
write("helpdesk-train.tsv", rows(rng, pairs[:80]))
write("helpdesk-test.tsv", rows(rng, pairs[80:]))
