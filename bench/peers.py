#!/usr/bin/python3
"""The peers' side of `npm run bench`: the same workloads in PyTorch and in
numpy (OpenBLAS), timed the same way (medians of repeated runs).

Usage: python3 bench/peers.py <task> <json-args>   -> one JSON object on stdout

Tasks:
  info                       versions, OpenBLAS core name and threads
  sgemm  {shapes, reps, lib} C = op(A) op(B) for each [m, n, k, transA, transB]
                             with lib 'numpy' (OpenBLAS) or 'torch'; GFLOP/s
                             medians, and the max error against float64
  act    {n, reps}           torch relu/tanh/sigmoid/exp/log forward and
                             backward on n float32 elements; seconds
  mlp    {data, epochs, batch, lr, momentum}
                             one MLP 784-256-128-10 ReLU epoch per repetition
                             (SGD + momentum, CrossEntropyLoss); seconds
  housing {data, steps}      the course's 13-5-1 Tanh network, full batch, SGD
  latency {calls}            batch-1 inference of the MLP under no_grad

Thread counts come from the environment the caller sets (OPENBLAS_NUM_THREADS,
and torch.set_num_threads from TL_TORCH_THREADS). The test suite never runs this.
"""
import ctypes
import json
import os
import statistics
import sys
import time

import numpy as np


def openblas_core():
    for name in ('libopenblas.so.0', 'libblas.so.3'):
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_num_threads.restype = ctypes.c_int
            return lib.openblas_get_corename().decode(), lib.openblas_get_num_threads()
        except (OSError, AttributeError):
            continue
    return None, None


def torch_mod():
    import torch
    torch.set_num_threads(int(os.environ.get('TL_TORCH_THREADS', '1')))
    torch.set_flush_denormal(True)
    return torch


def median_time(fn, reps, warmup=1):
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def task_info(_args):
    core, threads = openblas_core()
    out = {'numpy': np.__version__, 'openblas_core': core, 'openblas_threads': threads}
    try:
        import torch
        out['torch'] = torch.__version__
        out['torch_capability'] = torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, 'cpu') else None
    except ImportError:
        out['torch'] = None
    return out


def task_sgemm(args):
    rng = np.random.default_rng(0)
    lib = args['lib']
    torch = torch_mod() if lib == 'torch' else None
    results = []
    for m, n, k, ta, tb in args['shapes']:
        a = rng.standard_normal((k, m) if ta else (m, k), dtype=np.float32)
        b = rng.standard_normal((n, k) if tb else (k, n), dtype=np.float32)
        if lib == 'torch':
            A, B = torch.from_numpy(a), torch.from_numpy(b)
            A = A.t() if ta else A
            B = B.t() if tb else B
            out = torch.empty(m, n)
            fn = lambda: torch.mm(A, B, out=out)
            reps = max(5, min(50, int(3e9 / (2 * m * n * k))))
            t = median_time(fn, reps, warmup=2)
            c = out.numpy()
        else:
            A = a.T if ta else a
            B = b.T if tb else b
            out = np.empty((m, n), dtype=np.float32)
            fn = lambda: np.matmul(A, B, out=out)
            reps = max(5, min(50, int(3e9 / (2 * m * n * k))))
            t = median_time(fn, reps, warmup=2)
            c = out
        ref = (a.T if ta else a).astype(np.float64) @ (b.T if tb else b).astype(np.float64)
        err = float(np.max(np.abs(c - ref)) / max(1.0, float(np.max(np.abs(ref)))))
        results.append({'shape': [m, n, k, ta, tb], 'seconds': t, 'gflops': 2 * m * n * k / t / 1e9, 'relerr': err})
    core, threads = openblas_core()
    return {'results': results, 'openblas_core': core, 'openblas_threads': threads}


def task_act(args):
    torch = torch_mod()
    n, reps = args['n'], args['reps']
    x = torch.randn(n) * 2
    pos = x.abs() + 0.1
    g = torch.ones(n)
    out = {}
    aten = torch.ops.aten
    y, gx = torch.empty(n), torch.empty(n)
    # Forward with a preallocated output (relu has no out= form: clamp(min=0) is the same op),
    # and the backward kernels autograd calls, also into a preallocated output.
    fwd = {
        'relu': lambda: torch.clamp(x, min=0, out=y),
        'tanh': lambda: torch.tanh(x, out=y),
        'sigmoid': lambda: torch.sigmoid(x, out=y),
        'exp': lambda: torch.exp(x, out=y),
        'log': lambda: torch.log(pos, out=y),
    }
    bwd = {
        'relu': lambda: aten.threshold_backward.grad_input(g, x, 0, grad_input=gx),
        'tanh': lambda: aten.tanh_backward.grad_input(g, y, grad_input=gx),
        'sigmoid': lambda: aten.sigmoid_backward.grad_input(g, y, grad_input=gx),
        'exp': lambda: torch.mul(g, y, out=gx),
        'log': lambda: torch.div(g, pos, out=gx),
    }
    for name in fwd:
        out[name] = median_time(fwd[name], reps, warmup=2)
        fwd[name]()
        out[name + '_backward'] = median_time(bwd[name], reps, warmup=2)
    return out


def load_xy(path):
    with open(path) as f:
        d = json.load(f)
    return d


def mlp(torch):
    return torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(),
                               torch.nn.Linear(128, 10))


def task_mlp(args):
    torch = torch_mod()
    torch.manual_seed(0)
    x = torch.from_numpy(np.fromfile(args['x'], dtype=np.float32).reshape(-1, 784))
    y = torch.from_numpy(np.fromfile(args['y'], dtype=np.int32).astype(np.int64))
    net = mlp(torch)
    opt = torch.optim.SGD(net.parameters(), lr=args['lr'], momentum=args['momentum'])
    loss_fn = torch.nn.CrossEntropyLoss()
    bs = args['batch']
    times, losses = [], []
    for _ in range(args['epochs']):
        t = time.perf_counter()
        for i in range(0, x.shape[0], bs):
            loss = loss_fn(net(x[i:i + bs]), y[i:i + bs])
            opt.zero_grad()
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - t)
        losses.append(loss.item())
    with torch.no_grad():
        acc = (net(x).argmax(1) == y).float().mean().item()
    return {'epoch_seconds': times, 'last_loss': losses, 'train_accuracy': acc}


def task_housing(args):
    torch = torch_mod()
    torch.manual_seed(0)
    d = load_xy(args['data'])
    x = torch.tensor(d['x'], dtype=torch.float32)
    y = torch.tensor(d['y'], dtype=torch.float32).view(-1, 1)
    net = torch.nn.Sequential(torch.nn.Linear(13, 5), torch.nn.Tanh(), torch.nn.Linear(5, 1))
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    mse = torch.nn.MSELoss()
    times = []
    for _ in range(args['reps']):
        t = time.perf_counter()
        for _ in range(args['steps']):
            loss = mse(net(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - t)
    return {'seconds': times, 'last_loss': loss.item()}


def task_latency(args):
    torch = torch_mod()
    torch.manual_seed(0)
    net = mlp(torch).eval()
    x = torch.randn(1, 784)
    calls = args['calls']
    per = []
    with torch.no_grad():
        for _ in range(100):
            net(x)
        for _ in range(args['reps']):
            t = time.perf_counter()
            for _ in range(calls):
                net(x)
            per.append((time.perf_counter() - t) / calls)
    return {'seconds_per_call': per}


if __name__ == '__main__':
    task = sys.argv[1]
    args = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    print(json.dumps(globals()['task_' + task](args)))
