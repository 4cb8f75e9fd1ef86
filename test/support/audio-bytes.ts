/** Test audio: speech mocks answer with these bytes (the shared fixtures hold no speech recordings). */

/** Bytes laid out like an MP3 (ID3 tag, MPEG frame sync) that hold every byte value, so any re-encoding shows. */
export function mp3LikeBytes(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  Buffer.from([0x49, 0x44, 0x33, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xfb, 0x90, 0x64]).copy(bytes);
  for (let i = 14; i < size; i++) bytes[i] = (i * 151 + 7) & 0xff;
  return bytes;
}
