"""PyTorch twin of bench/paper_stage.ts on CPU: stage 0 of the paper's CIFAR-10 k=3 model. Prints one JSON line."""
import json, sys, time
import torch
from torch import nn

steps, warmup, batch = (int(a) for a in sys.argv[1:4])
conv = lambda cin: [nn.Conv2d(cin, 128, 3, padding=1, bias=False), nn.BatchNorm2d(128), nn.ReLU()]
model = nn.Sequential(*conv(3), *conv(128), *conv(128), nn.AvgPool2d(16), nn.BatchNorm2d(128), nn.Flatten(), nn.Linear(512, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
x = torch.randn(batch, 3, 32, 32)
y = torch.randint(0, 10, (batch,))

def step():
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()

for _ in range(warmup):
    step()
start = time.perf_counter()
for _ in range(steps):
    step()
print(json.dumps({"images_per_second": steps * batch / (time.perf_counter() - start), "torch": torch.__version__, "threads": torch.get_num_threads()}))
