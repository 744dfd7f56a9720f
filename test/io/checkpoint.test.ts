// torch.save / torch.load: PyTorch-written state dicts load into torchlet
// modules with the same outputs (fixtures from test/fixtures/gen_checkpoint.py),
// state dicts and nested training checkpoints round-trip, and training resumed
// from a checkpoint is bit-identical to training that never stopped.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from 'torchlet';

const { nn, optim, io } = torch;
const FIX = path.join(__dirname, '../fixtures');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchlet-ckpt-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function bytesOf(t: torch.Tensor): Buffer {
  const a = t.data;
  return Buffer.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

class TwoLayers extends nn.Module {
  un = new nn.Linear(13, 5);
  act = new nn.Tanh();
  deux = new nn.Linear(5, 1);
  forward(x: torch.Tensor): torch.Tensor {
    return this.deux.forward(this.act.forward(this.un.forward(x)));
  }
}

describe('checkpoints written by PyTorch', () => {
  const sequential = (): torch.nn.Sequential => new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2));

  test('nn.Sequential state dict: same keys, bit-identical weights, the outputs PyTorch computed', () => {
    const sd = torch.load(path.join(FIX, 'torch_sequential.safetensors')) as Map<string, torch.Tensor>;
    expect(sd).toBeInstanceOf(Map);
    expect([...sd.keys()]).toEqual(['0.bias', '0.weight', '2.bias', '2.weight']);
    const net = sequential();
    expect(net.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    for (const [k, p] of net.namedParameters()) expect(bytesOf(p)).toEqual(bytesOf(sd.get(k)!));

    const { tensors: ioT } = io.loadFile(path.join(FIX, 'torch_sequential_io.safetensors'));
    const y = torch.noGrad(() => net.forward(ioT.get('input')!));
    // float32: the same bits as PyTorch (K is 3 and 4: no summation-order freedom to speak of).
    expect(Array.from(y.data as Float32Array)).toEqual(Array.from(ioT.get('output')!.data as Float32Array));
    net.double();
    const y64 = torch.noGrad(() => net.forward(ioT.get('input64')!));
    const want64 = ioT.get('output64')!.data as Float64Array;
    (y64.data as Float64Array).forEach((v, i) => expect(Math.abs(v - want64[i])).toBeLessThanOrEqual(1e-15));
  });

  test("the course's TwoLayers: PyTorch's 'un.weight' ... names load into the torchlet class", () => {
    const net = new TwoLayers();
    const sd = torch.load(path.join(FIX, 'torch_two_layers.safetensors'));
    net.loadStateDict(sd);
    expect(net.un.weight.shape).toEqual([5, 13]);
    expect(bytesOf(net.deux.weight)).toEqual(bytesOf(sd.get('deux.weight')));
    // A torchlet save of it is the file PyTorch wrote, byte for byte (same names, same order, same bytes).
    const p = path.join(dir, 'two.safetensors');
    const ordered = new Map([...net.stateDict()].sort(([a], [b]) => (a < b ? -1 : 1)));
    torch.save(ordered, p);
    expect(fs.readFileSync(p)).toEqual(fs.readFileSync(path.join(FIX, 'torch_two_layers.safetensors')));
  });

  test('a mismatched model gets loadStateDict\'s error, nothing copied', () => {
    const net = new nn.Sequential(new nn.Linear(3, 5), new nn.Tanh(), new nn.Linear(5, 2));
    const before = bytesOf(net.parameters()[0]);
    expect(() => net.loadStateDict(torch.load(path.join(FIX, 'torch_sequential.safetensors'))))
      .toThrow(/size mismatch for 0.weight: copying a param with shape \[4, 3\] from checkpoint/);
    expect(bytesOf(net.parameters()[0])).toEqual(before);
  });
});

describe('state dicts', () => {
  test('Map or plain object of tensors: a plain safetensors file under the keys themselves; loads as a Map in order', () => {
    torch.manualSeed(3);
    const net = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
    const p = path.join(dir, 'sd.safetensors');
    torch.save(net.stateDict(), p);
    const { tensors, metadata } = io.loadFile(p);
    expect(metadata).toEqual({ format: 'pt' });
    expect([...tensors.keys()]).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const back = torch.load(p);
    expect([...back.keys()]).toEqual([...net.stateDict().keys()]);
    const fresh = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
    fresh.loadStateDict(back);
    for (const [k, v] of net.stateDict()) expect(bytesOf(fresh.stateDict().get(k)!)).toEqual(bytesOf(v));

    const obj = { '10': torch.ones([1]), '2': torch.zeros([2]), b: torch.ones([3], { dtype: 'int32' }) };
    torch.save(obj, p, { metadata: { epoch: '4' } });
    const m = torch.load(p) as Map<string, torch.Tensor>;
    expect([...m.keys()]).toEqual(Object.keys(obj));
    expect(m.get('b')!.dtype).toBe('int32');
    expect(io.loadFile(p).metadata).toEqual({ format: 'pt', epoch: '4' });
  });

  test('save checks everything before touching the file', () => {
    const p = path.join(dir, 'keep.safetensors');
    torch.save({ w: torch.ones([2]) }, p);
    const before = fs.readFileSync(p);
    const cases: [unknown, RegExp][] = [
      [{ f: () => 1 }, /save: cannot store a function at f; a checkpoint holds tensors, Uint8Arrays/],
      [{ a: { b: new Float32Array(2) } }, /save: cannot store a Float32Array at a.b \(make it a tensor with torch.fromTypedArray\)/],
      [{ d: new Date() }, /save: cannot store a Date at d/],
      [{ s: Symbol('x') }, /save: cannot store a symbol at s/],
      [{ 'a.b': torch.ones([1]), a: { b: torch.ones([1]) } }, /save: two tensors would both be stored as "a.b"/],
      [new Map<unknown, unknown>([[{}, 1]]), /save: Map keys must be strings or numbers to be stored; got a Object key/],
      [{ __metadata__: torch.ones([1]) }, /save: '__metadata__' is reserved by safetensors/],
      // JSON has no NaN/Infinity: such keys would be written as null, which load refuses.
      [{ m: new Map([[NaN, 1]]) }, /^save: Map key NaN at m cannot be stored; number keys must be finite \(use a string key such as 'NaN'\)$/],
      [new Map<number, unknown>([[Infinity, torch.ones([1])], [1, 2]]), /^save: Map key Infinity at \(the top level\) cannot be stored/],
      [{ a: [new Map([[-Infinity, 'x']])] }, /^save: Map key -Infinity at a.0 cannot be stored/],
    ];
    const circ: Record<string, unknown> = { t: torch.ones([1]) };
    circ.self = circ;
    cases.push([circ, /save: circular reference at self/]);
    for (const [obj, re] of cases) {
      expect(() => torch.save(obj, p)).toThrow(re);
      expect(fs.readFileSync(p)).toEqual(before);
    }
    expect(() => torch.save({ w: torch.ones([1]) }, p, { metadata: { torchlet: 'x' } })).toThrow(/save: options.metadata cannot set "torchlet"/);
    expect(() => torch.save({ w: torch.ones([1]) }, p, { metdata: {} } as torch.io.SaveOptions)).toThrow(/^save: unknown option 'metdata' \(expected 'metadata'\)$/);
    expect(() => torch.save({ w: torch.ones([1]) }, p, 'x' as torch.io.SaveOptions)).toThrow(/^save: options must be an object such as \{ metadata: \{ epoch: '3' \} \}, got string$/);
    expect(() => torch.save({ w: torch.ones([1]) }, path.join(dir, 'no/such/dir/x.safetensors'))).toThrow(/save: cannot save .*: the directory '.*no\/such\/dir' does not exist/);
    expect(() => torch.save({ w: torch.ones([1]) }, dir)).toThrow(/save: '.*' is a directory; give a file path such as/);
    expect(fs.readFileSync(p)).toEqual(before);
  });

  test('null options are the defaults, as None in PyTorch', () => {
    const p = path.join(dir, 'null-options.safetensors');
    torch.save({ w: torch.ones([2]) }, p, null);
    expect(io.loadFile(p).metadata).toEqual({ format: 'pt' });
    torch.save({ w: torch.ones([2]), epoch: 3 }, p, { metadata: null } as unknown as torch.io.SaveOptions);
    expect(torch.load(p).epoch).toBe(3);
  });
});

describe('nested checkpoints', () => {
  test('every kind of value comes back as it was saved; tensors are stored under dotted paths', () => {
    const rng = torch.getRngState();
    const obj = {
      model: new Map([['0.weight', torch.tensor([[1, 2]])], ['0.bias', torch.tensor([3])]]),
      optimizer: { state: { 0: { momentum_buffer: torch.tensor([[0.5, 0.25]]), step: 3 } }, param_groups: [{ lr: 0.1, nesterov: false, params: [0, 1] }] },
      epoch: 7,
      rng,
      numbers: [NaN, Infinity, -Infinity, -0, 0, 1e-310, Number.MAX_SAFE_INTEGER],
      misc: { big: 2n ** 70n, nothing: null, undef: undefined, text: 'héllo "quoted"', yes: true, empty: {}, list: [[], [1, [2]]] },
      tricky: { __tensor__: 'not a reference', __proto__x: 1 },
      idx: new Map<number | string, unknown>([[1, 'one'], ['two', torch.tensor(2, { dtype: 'float64' })]]),
      scalar: torch.tensor(5, { dtype: 'int32' }),
    };
    Object.defineProperty(obj.misc, '__proto__', { value: { polluted: true }, enumerable: true });
    const p = path.join(dir, 'nested.safetensors');
    torch.save(obj, p);

    const { tensors, metadata } = io.loadFile(p);
    expect([...tensors.keys()]).toEqual(['model.0.weight', 'model.0.bias', 'optimizer.state.0.momentum_buffer', 'rng', 'idx.two', 'scalar']);
    expect(tensors.get('rng')!.dtype).toBe('int32'); // other tools see the bytes as a U8 tensor
    expect(metadata!.format).toBe('pt');
    expect(JSON.parse(metadata!.torchlet)).toMatchObject({ format: 'torchlet.checkpoint', version: 1 });

    const back = torch.load(p);
    expect(back.model).toBeInstanceOf(Map);
    expect([...back.model.keys()]).toEqual(['0.weight', '0.bias']);
    expect(back.model.get('0.weight').toArray()).toEqual([[1, 2]]);
    expect(back.optimizer.state[0].momentum_buffer.toArray()).toEqual([[0.5, 0.25]]);
    expect(back.optimizer.state[0].step).toBe(3);
    expect(back.optimizer.param_groups).toEqual([{ lr: 0.1, nesterov: false, params: [0, 1] }]);
    expect(back.epoch).toBe(7);
    expect(back.rng).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(back.rng)).toEqual(Buffer.from(rng));
    expect(back.numbers).toHaveLength(7);
    back.numbers.forEach((v: number, i: number) => expect(Object.is(v, obj.numbers[i])).toBe(true));
    expect(back.misc.big).toBe(2n ** 70n);
    expect('undef' in back.misc && back.misc.undef === undefined).toBe(true);
    expect(back.misc).toMatchObject({ nothing: null, text: 'héllo "quoted"', yes: true, empty: {}, list: [[], [1, [2]]] });
    expect(Object.getPrototypeOf(back.misc)).toBe(Object.prototype); // "__proto__" stayed an ordinary key
    expect(Object.getOwnPropertyDescriptor(back.misc, '__proto__')!.value).toEqual({ polluted: true });
    expect(back.tricky).toEqual({ __tensor__: 'not a reference', __proto__x: 1 });
    expect(back.idx.get(1)).toBe('one');
    expect(back.idx.get('two').dtype).toBe('float64');
    expect(back.scalar.shape).toEqual([]);
  });

  test('nesting: 200 levels of any kind (Maps, the deepest in JSON, included) save and load back; 201 are refused by save', () => {
    const p = path.join(dir, 'deep.safetensors');
    const nest = (levels: number, leaf: unknown, wrap: (v: unknown) => unknown): unknown => {
      let v = leaf;
      for (let i = 0; i < levels; i++) v = wrap(v);
      return v;
    };
    const wraps: [string, (v: unknown) => unknown, (v: any) => unknown][] = [
      ['Maps', (v) => new Map([[1, v]]), (v) => v.get(1)],
      ['arrays', (v) => [v], (v) => v[0]],
      ['marked objects', (v) => ({ __tensor__: v }), (v) => v.__tensor__],
    ];
    for (const [, wrap, unwrap] of wraps)
      for (const leaf of [new Map(), torch.tensor([7]), NaN]) {
        torch.save(nest(200, leaf, wrap), p);
        let back = torch.load(p);
        for (let i = 0; i < 200; i++) back = unwrap(back);
        if (leaf instanceof torch.Tensor) expect(back.toArray()).toEqual([7]);
        else expect(back).toEqual(leaf);
        const before = fs.readFileSync(p);
        expect(() => torch.save(nest(201, leaf, wrap), p)).toThrow(/^save: the value nests deeper than 200 levels at /);
        expect(fs.readFileSync(p)).toEqual(before);
      }
  });

  test('a broken structure in __metadata__ is a clear error', () => {
    const p = path.join(dir, 'broken.safetensors');
    const write = (structure: string, tensors: Record<string, torch.Tensor> = {}): void =>
      io.saveFile(tensors, p, { format: 'pt', torchlet: structure });
    const cases: [string, RegExp][] = [
      ['{not json', /load: '.*' is not a valid torchlet checkpoint: __metadata__\["torchlet"\] is not valid JSON/],
      ['{"format":"other"}', /is not a torchlet.checkpoint structure/],
      ['{"format":"torchlet.checkpoint","version":2,"root":1}', /its structure has version 2; this torchlet reads version 1/],
      ['{"format":"torchlet.checkpoint","version":1,"root":{"__tensor__":"missing"}}', /refers to a tensor "missing" that the file does not hold/],
      ['{"format":"torchlet.checkpoint","version":1,"root":{"__bytes__":"w"}}', /"w" should hold bytes \(1-D U8\), but is F32 of shape \[2\]/],
      ['{"format":"torchlet.checkpoint","version":1,"root":{"__number__":"5"}}', /unknown __number__ "5"/],
      ['{"format":"torchlet.checkpoint","version":1,"root":{"__map__":[[{},1]]}}', /a __map__ entry must be a \[key, value\] pair/],
      ['{"format":"torchlet.checkpoint","version":1,"root":{"a":1,"a":2}}', /not valid JSON \(duplicate key "a"/],
    ];
    for (const [s, re] of cases) {
      write(s, { w: torch.ones([2]) });
      expect(() => torch.load(p)).toThrow(re);
    }
  });
});

describe('resuming training from a checkpoint', () => {
  /** An MLP with a dropout-like random mask in the hidden layer, so the RNG state matters. */
  class MLP extends nn.Module {
    fc1 = new nn.Linear(6, 16);
    fc2 = new nn.Linear(16, 3);
    forward(x: torch.Tensor): torch.Tensor {
      const h = this.fc1.forward(x).tanh();
      const keep = torch.rand([x.shape[0], 16]).lt(0.8); // dropout p = 0.2, drawn from torch's generator
      return this.fc2.forward(h.mul(keep).div(0.8));
    }
  }
  torch.manualSeed(100);
  const X = torch.randn([64, 6]);
  const Y = torch.randint(0, 3, [64]);
  const lossFn = new nn.CrossEntropyLoss();

  function fresh(seed: number): { net: MLP; opt: torch.optim.SGD } {
    torch.manualSeed(seed);
    const net = new MLP();
    return { net, opt: new optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 }) };
  }
  function train(net: MLP, opt: torch.optim.SGD, steps: number): void {
    for (let s = 0; s < steps; s++) {
      const idx = torch.randint(0, 64, [16]); // the batch is drawn from the generator too (shuffling)
      opt.zeroGrad();
      lossFn.forward(net.forward(X.indexSelect(0, idx)), Y.indexSelect(0, idx)).backward();
      opt.step();
    }
  }
  const N = 30, K = 11;

  function uninterrupted(): Map<string, Buffer> {
    const { net, opt } = fresh(7);
    train(net, opt, N);
    return new Map([...net.namedParameters()].map(([k, p]) => [k, bytesOf(p)]));
  }

  /** Trains K steps, checkpoints, scrambles everything, resumes from the file into fresh objects. */
  function resumed(restore: { rng: boolean; optimizer: boolean }): Map<string, Buffer> {
    const p = path.join(dir, 'train.safetensors');
    {
      const { net, opt } = fresh(7);
      train(net, opt, K);
      torch.save({ model: net.stateDict(), optimizer: opt.stateDict(), epoch: 0, step: K, rng: torch.getRngState() }, p);
      train(net, opt, 3); // the process goes on a little, then dies
    }
    torch.manualSeed(999);
    torch.rand([1000]); // whatever happened after the checkpoint
    const ckpt = torch.load(p);
    const { net, opt } = fresh(12345); // a different initialisation, overwritten by the checkpoint
    net.loadStateDict(ckpt.model);
    if (restore.optimizer) opt.loadStateDict(ckpt.optimizer);
    if (restore.rng) torch.setRngState(ckpt.rng);
    expect(ckpt.step).toBe(K);
    train(net, opt, N - K);
    return new Map([...net.namedParameters()].map(([k, q]) => [k, bytesOf(q)]));
  }

  test('SGD with momentum, dropout-like masks and random batches: every parameter bit for bit equal to never stopping', () => {
    const want = uninterrupted();
    const got = resumed({ rng: true, optimizer: true });
    expect([...got.keys()]).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    for (const [k, b] of want) expect([k, Buffer.compare(got.get(k)!, b)]).toEqual([k, 0]);
  });

  test('the test can tell: without the RNG state or the momentum buffers the runs differ', () => {
    const want = uninterrupted();
    for (const restore of [{ rng: false, optimizer: true }, { rng: true, optimizer: false }]) {
      const got = resumed(restore);
      expect([...want].some(([k, b]) => Buffer.compare(got.get(k)!, b) !== 0)).toBe(true);
    }
  });

  test('the optimizer part is in PyTorch\'s layout: state.<index>.momentum_buffer tensors, param_groups as JSON', () => {
    const { tensors, metadata } = io.loadFile(path.join(dir, 'train.safetensors'));
    expect([...tensors.keys()]).toEqual([
      'model.fc1.weight', 'model.fc1.bias', 'model.fc2.weight', 'model.fc2.bias',
      'optimizer.state.0.momentum_buffer', 'optimizer.state.1.momentum_buffer',
      'optimizer.state.2.momentum_buffer', 'optimizer.state.3.momentum_buffer', 'rng',
    ]);
    const root = JSON.parse(metadata!.torchlet).root;
    expect(root.optimizer.param_groups[0]).toMatchObject({ lr: 0.1, momentum: 0.9, params: [0, 1, 2, 3] });
    expect(root.epoch).toBe(0);
  });
});
