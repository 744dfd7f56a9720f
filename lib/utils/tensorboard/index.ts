/**
 * torch.utils.tensorboard: event files for TensorBoard, written by hand
 * (TFRecord framing, protobuf encoding; no dependency). See docs/tensorboard.md.
 */
export { SummaryWriter, EventFileWriter } from './writer';
export type { SummaryWriterOptions, HparamsOptions, FileWriterOptions } from './writer';
export { crc32c, maskedCrc32c } from './crc32c';
