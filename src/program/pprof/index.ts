/**
 * Public API of the pprof export: a heap profile in pprof's protobuf format, built from the
 * engine's memory-profile buckets, plus the profile.proto messages and a minimal protobuf codec.
 *
 *   buildHeapProfile({ buckets: heap.h.mProf, stacks, rate }) → Profile
 *   encodeProfile(profile) → Uint8Array      (gzip it in the caller: zlib.gzipSync → heap.pb.gz)
 *   decodeProfile(bytes)   → Profile         (gunzip first)
 *   scaleHeapSample(count, size, rate)      runtime/pprof's unsampling
 */
export { buildHeapProfile, scaleHeapSample, type HeapBucket, type HeapProfileInput, type StackFrame } from './heapprofile';
export { decodeProfile, emptyProfile, encodeProfile, str, type Label, type Line, type Location, type Mapping, type Profile, type ProfileFunction, type Sample, type ValueType } from './profile';
export { ProtoError, ProtoReader, ProtoWriter, WireBytes, WireFixed32, WireFixed64, WireVarint } from './protobuf';
