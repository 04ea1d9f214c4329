"""PyTorch twin of tasuke's lesson models, for scripts/bench/training.ts.

Reads one JSON job on stdin:
  {"model": "dense" | "cnn", "x": path, "y": path, "n": int, "batchSize": int,
   "epochs": int, "warmup": int, "lr": float, "hiddenUnits": int, "filters": int,
   "threads": int}
x is n*784 little-endian float32 (pixels 0..1), y is n uint8 labels 0..9.
Trains with Adam on the data in file order (no shuffling, same as the tfjs
side) and prints one JSON line: per-epoch wall-clock and CPU seconds of the timed epochs.
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn


def build(job):
    if job["model"] == "dense":
        return nn.Sequential(
            nn.Flatten(),
            nn.Linear(784, job["hiddenUnits"]),
            nn.ReLU(),
            nn.Linear(job["hiddenUnits"], 10),
        )
    # Same layers as lessons/cnn: conv 5x5 (8) relu, pool 2, conv 3x3 relu, pool 2, dense 10 (softmax in the loss).
    f = job["filters"]
    return nn.Sequential(
        nn.Conv2d(1, 8, 5),
        nn.ReLU(),
        nn.MaxPool2d(2, 2),
        nn.Conv2d(8, f, 3),
        nn.ReLU(),
        nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(f * 5 * 5, 10),
    )


def main():
    job = json.loads(sys.stdin.read())
    torch.set_num_threads(job["threads"])
    torch.manual_seed(0)
    n = job["n"]
    x = torch.from_numpy(np.fromfile(job["x"], dtype="<f4", count=n * 784).copy())
    x = x.reshape(n, 784) if job["model"] == "dense" else x.reshape(n, 1, 28, 28)
    y = torch.from_numpy(np.fromfile(job["y"], dtype=np.uint8, count=n).astype(np.int64))
    model = build(job)
    opt = torch.optim.Adam(model.parameters(), lr=job["lr"])
    loss_fn = nn.CrossEntropyLoss()
    bs = job["batchSize"]
    times, cpu_times, losses = [], [], []
    for epoch in range(job["warmup"] + job["epochs"]):
        started = time.perf_counter()
        cpu_started = time.process_time()
        total = 0.0
        for i in range(0, n, bs):
            xb, yb = x[i : i + bs], y[i : i + bs]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
        if epoch >= job["warmup"]:
            times.append(time.perf_counter() - started)
            cpu_times.append(time.process_time() - cpu_started)
            losses.append(total / n)
    print(json.dumps({"epochSeconds": times, "cpuSeconds": cpu_times, "loss": losses, "threads": torch.get_num_threads(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
