"""InfoGAN in PyTorch with the networks of Chen et al. (2016) for MNIST, as a reference for latentlab's InfoGAN.

Generator: FC 1024 - BN - ReLU - FC 7x7x128 - BN - ReLU - deconv 64 (4x4, stride 2) - BN - ReLU - deconv 1 - sigmoid.
Discriminator body: conv 64 (4x4, stride 2) - lReLU(0.1) - conv 128 - BN - lReLU - FC 1024 - BN - lReLU; a linear
real/fake head; Q: FC 128 - BN - lReLU - 10 logits and 2 means (unit variance). Noise z ~ U(-1, 1)^62, c ~ Cat(10),
u ~ U(-1, 1)^2; weights N(0, 0.02) (batch norm scales N(1, 0.02)); Adam (0.5, 0.999), 1e-3 for G, 2e-4 for D and Q;
both players add -L_I (weight 1 for c and for u). Each step updates G, then D and Q on the same generated batch.

Reads the training digits as raw float32 [n, 784] in [0, 1] (--images), writes 200 samples for each value of c, in
order of c, as raw float32 (--out), and prints one JSON line. latentlab's `bench/infogan-reference.ts` runs it and
scores the samples with the shipped classifier.
"""
import argparse
import json
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

NOISE, CATEGORIES, CONTINUOUS = 62, 10, 2
PER_CODE = 200


class Flatten(nn.Module):
    def forward(self, x):
        return x.reshape(x.shape[0], -1)


class Unflatten(nn.Module):
    def forward(self, x):
        return x.reshape(x.shape[0], 128, 7, 7)


def networks(slope):
    act = lambda: nn.LeakyReLU(slope)
    body = nn.Sequential(
        nn.Conv2d(1, 64, 4, 2, 1), act(),
        nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), act(), Flatten(),
        nn.Linear(6272, 1024, bias=False), nn.BatchNorm1d(1024), act())
    head = nn.Linear(1024, 1)
    q = nn.Sequential(nn.Linear(1024, 128, bias=False), nn.BatchNorm1d(128), act(), nn.Linear(128, CATEGORIES + CONTINUOUS))
    g = nn.Sequential(
        nn.Linear(NOISE + CATEGORIES + CONTINUOUS, 1024, bias=False), nn.BatchNorm1d(1024), nn.ReLU(),
        nn.Linear(1024, 6272), nn.BatchNorm1d(6272), nn.ReLU(), Unflatten(),
        nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, 2, 1, bias=False), nn.Sigmoid())

    def init(m):
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            m.weight.data.normal_(1, 0.02)
            m.bias.data.zero_()
        elif isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            m.weight.data.normal_(0, 0.02)

    for net in (body, head, q, g):
        net.apply(init)
    return body, head, q, g


def draw(n, c=None):
    z = torch.rand(n, NOISE) * 2 - 1
    c = torch.randint(0, CATEGORIES, (n,)) if c is None else c
    u = torch.rand(n, CONTINUOUS) * 2 - 1
    return torch.cat([z, F.one_hot(c, CATEGORIES).float(), u], 1), c, u


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--images', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--epochs', type=int, default=10)
    p.add_argument('--batch-size', type=int, default=64)
    p.add_argument('--slope', type=float, default=0.1)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(1)
    x_all = torch.from_numpy(np.fromfile(a.images, dtype=np.float32).reshape(-1, 1, 28, 28))
    body, head, q, g = networks(a.slope)
    opt_g = torch.optim.Adam(g.parameters(), 1e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam([*body.parameters(), *head.parameters(), *q.parameters()], 2e-4, betas=(0.5, 0.999))
    bce = F.binary_cross_entropy_with_logits

    def info_loss(features, c, u):
        out = q(features)
        return F.cross_entropy(out[:, :CATEGORIES], c) + 0.5 * ((out[:, CATEGORIES:] - u) ** 2).sum(1).mean()

    start = time.time()
    for _ in range(a.epochs):
        order = torch.randperm(len(x_all))
        for i in range(len(x_all) // a.batch_size):
            real = x_all[order[i * a.batch_size:(i + 1) * a.batch_size]]
            m = len(real)
            inputs, c, u = draw(m)
            fake = g(inputs)
            features = body(fake)
            g_loss = bce(head(features), torch.ones(m, 1)) + info_loss(features, c, u)
            opt_g.zero_grad()
            g_loss.backward()
            opt_g.step()
            fake_features = body(fake.detach())
            d_loss = (bce(head(body(real)), torch.ones(m, 1)) + bce(head(fake_features), torch.zeros(m, 1))
                      + info_loss(fake_features, c, u))
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()
    seconds = time.time() - start
    g.eval()
    with torch.no_grad():
        samples = [g(draw(PER_CODE, torch.full((PER_CODE,), k))[0]).reshape(PER_CODE, 784) for k in range(CATEGORIES)]
    torch.cat(samples).numpy().astype(np.float32).tofile(a.out)
    print(json.dumps({'seconds': seconds, 'per_code': PER_CODE, 'categories': CATEGORIES}))


if __name__ == '__main__':
    main()
