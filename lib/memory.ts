/**
 * Tensor storage: 64-byte aligned buffers that JS and the kernels share
 * without a copy, and the caching allocator behind them.
 *
 * Each buffer is an ArrayBuffer over-allocated by 64 bytes; the typed array
 * handed out starts at the first 64-byte boundary (the addon tells where).
 * V8 owns the memory, so it is counted by V8's heap accounting and freed by
 * the garbage collector itself, during collection. (Buffers allocated in
 * native code and wrapped as external ArrayBuffers are freed only when the
 * event loop runs their finalizers, which a synchronous training loop never
 * lets happen; see docs/memory.md.)
 *
 * `dispose()` hands a buffer back at once: it goes into a per-size free list
 * that the next allocation of the same size takes, so a training loop that
 * disposes what it no longer needs allocates nothing in steady state.
 */
import { arrayCtor, DType, TypedArray } from './dtype';
import { native } from './native';

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };

/** Upper bound on bytes kept in the free lists; beyond it disposed buffers go to the GC. */
let cacheLimit = 256 * 1024 * 1024;
let cachedBytes = 0;
/** A buffer and where its 64-byte aligned data starts, kept for reuse. */
interface Block {
  buf: ArrayBuffer;
  off: number;
}
const freeLists = new Map<number, Block[]>();

let liveStorages = 0;
let liveBytes = 0;
let allocCount = 0;
let cacheHits = 0;

/*
 * Counting collected storages out. A FinalizationRegistry entry per storage
 * costs more than the rest of an allocation together (~0.5-1 us in V8, plus
 * the collector's work on every weak cell), so storages are registered in
 * groups: the storages allocated one after another share a group object,
 * which the registry watches. When every storage of a group has been
 * collected, the group is too, and what the group still counts (members
 * disposed earlier were already counted out) leaves the report. The report
 * can therefore lag by the members of a group kept alive by one survivor.
 */
const GROUP_SIZE = 32;
interface GroupCount {
  storages: number;
  bytes: number;
}
const registry = new FinalizationRegistry<GroupCount>((c) => {
  liveStorages -= c.storages;
  liveBytes -= c.bytes;
});
let group: object = {};
let groupCount: GroupCount = { storages: 0, bytes: 0 };
let groupSize = GROUP_SIZE;

/** The shared buffer of one or more tensors. */
export class Storage {
  /** Aligned view over the whole storage. */
  data: TypedArray;
  readonly dtype: DType;
  readonly bytes: number;
  /**
   * Bumped by every in-place write (PyTorch's version counter): backward checks
   * that the tensors an op saved were not modified since.
   */
  version = 0;
  /** Allocation number (the value of `allocations` when made): tells storages made during a backward. */
  readonly serial: number;
  private block: Block | null;
  /** Keeps this storage's group (see above) alive while the storage is. */
  private readonly group: object;
  private readonly count: GroupCount;

  constructor(dtype: DType, numel: number) {
    const bytes = numel * BYTES[dtype];
    this.dtype = dtype;
    this.bytes = bytes;
    let block = freeLists.get(bytes)?.pop();
    if (block) {
      cachedBytes -= block.buf.byteLength;
      cacheHits++;
    } else {
      let buf: ArrayBuffer;
      try {
        buf = new ArrayBuffer(bytes + 64);
      } catch (e) {
        throw new RangeError(`cannot allocate a ${dtype} tensor of ${numel} elements (${bytes} bytes): ${(e as Error).message}`);
      }
      block = { buf, off: native.alignedOffset(buf) };
    }
    this.block = block;
    this.data = new (arrayCtor(dtype))(block.buf, block.off, numel);
    this.serial = allocCount++;
    liveStorages++;
    liveBytes += bytes;
    if (groupSize === GROUP_SIZE) {
      group = {};
      groupCount = { storages: 0, bytes: 0 };
      registry.register(group, groupCount);
      groupSize = 0;
    }
    groupSize++;
    groupCount.storages++;
    groupCount.bytes += bytes;
    this.group = group;
    this.count = groupCount;
  }

  get disposed(): boolean {
    return this.block === null;
  }

  /** Returns the buffer to the cache now. Any tensor on this storage becomes unusable. */
  dispose(): void {
    const block = this.block;
    if (!block) return;
    this.block = null;
    this.data = new (arrayCtor(this.dtype))(0);
    this.count.storages--;
    this.count.bytes -= this.bytes;
    liveStorages--;
    liveBytes -= this.bytes;
    if (cachedBytes + block.buf.byteLength <= cacheLimit) {
      const list = freeLists.get(this.bytes);
      if (list) list.push(block);
      else freeLists.set(this.bytes, [block]);
      cachedBytes += block.buf.byteLength;
    }
  }
}

/** The serial the next storage will get. */
export function nextSerial(): number {
  return allocCount;
}

/** Zero-filled storage (a reused buffer is cleared). */
export function zeroStorage(dtype: DType, numel: number): Storage {
  const s = new Storage(dtype, numel);
  s.data.fill(0);
  return s;
}

export interface MemoryReport {
  /**
   * Storages alive: allocated, not disposed, not yet counted out after collection.
   * Collected storages are counted out on a later turn of the event loop, in
   * groups of up to 32 allocated together (see lib/memory.ts).
   */
  liveStorages: number;
  /** Bytes of those storages. */
  liveBytes: number;
  /** Bytes kept in the allocator's free lists for reuse. */
  cachedBytes: number;
  /** Storages allocated since the process started, and how many came from the cache. */
  allocations: number;
  cacheHits: number;
}

/** What tensor storage uses now (like torch.cuda.memory_stats for the CPU). */
export function memory(): MemoryReport {
  return { liveStorages, liveBytes, cachedBytes, allocations: allocCount, cacheHits };
}

/** Drops every cached buffer (torch.cuda.empty_cache's counterpart). */
export function emptyCache(): void {
  freeLists.clear();
  cachedBytes = 0;
}

/** Sets the most bytes the allocator keeps cached (default 256 MiB). */
export function setCacheLimit(bytes: number): void {
  if (typeof bytes !== 'number') throw new TypeError(`setCacheLimit: limit must be a number of bytes, got ${typeof bytes}`);
  if (!(bytes >= 0)) throw new RangeError(`setCacheLimit: limit must be >= 0 bytes, got ${bytes}`);
  cacheLimit = bytes;
  if (cachedBytes > cacheLimit) emptyCache();
}
