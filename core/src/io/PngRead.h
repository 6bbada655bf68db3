#pragma once

// Reading PNGs from memory with libpng, hardened against hostile files: what the label
// reader and the display-image reader share. Internal to core.

#include <png.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>

namespace losslens::detail {

// State shared with libpng's C callbacks. libpng reports errors by longjmp; every C++
// object that must survive it lives here, created before setjmp, so nothing is skipped.
struct PngReadState {
    std::span<const std::byte> bytes;
    std::size_t offset = 0;
    char error[256] = {};
};

inline void pngReadCallback(png_structp png, png_bytep out, png_size_t length) {
    auto* state = static_cast<PngReadState*>(png_get_io_ptr(png));
    if (length > state->bytes.size() - state->offset) {
        png_error(png, "truncated PNG file");
    }
    std::memcpy(out, state->bytes.data() + state->offset, length);
    state->offset += length;
}

inline void pngErrorCallback(png_structp png, png_const_charp message) {
    auto* state = static_cast<PngReadState*>(png_get_error_ptr(png));
    std::snprintf(state->error, sizeof state->error, "%s", message);
    png_longjmp(png, 1);
}

inline void pngWarningCallback(png_structp /*png*/, png_const_charp /*message*/) {}

// The largest chunk the reader accepts (IDAT has its own limit from the image size): far
// above any real ancillary chunk a PNG carries, far below what would hurt.
inline constexpr png_alloc_size_t kMaxChunkBytes = 64u << 20;

// libpng's known ancillary chunks, as a list of 4-letter names each ending in NUL, to be
// treated as unknown and skipped.
inline constexpr png_byte kAncillaryChunks[] = {
    'b', 'K', 'G', 'D', 0,   'c', 'H', 'R', 'M', 0,   'e', 'X', 'I', 'f', 0,   'g', 'A', 'M',
    'A', 0,   'h', 'I', 'S', 'T', 0,   'i', 'C', 'C', 'P', 0,   'i', 'T', 'X', 't', 0,   'o',
    'F', 'F', 's', 0,   'p', 'C', 'A', 'L', 0,   'p', 'H', 'Y', 's', 0,   's', 'B', 'I', 'T',
    0,   's', 'C', 'A', 'L', 0,   's', 'P', 'L', 'T', 0,   's', 'R', 'G', 'B', 0,   't', 'E',
    'X', 't', 0,   't', 'I', 'M', 'E', 0,   't', 'R', 'N', 'S', 0,   'z', 'T', 'X', 't', 0};

// Deflate's largest expansion: a 258-byte match coded in 2 bits.
inline constexpr std::uint64_t kMaxDeflateRatio = 1032;

// Call right after setjmp: reads from `state`, within limits.
inline void configureHostilePngReading(png_structp png, PngReadState& state) {
    png_set_read_fn(png, &state, pngReadCallback);
    png_set_user_limits(png, 1u << 20, 1u << 20);
    // Hostile files: Debian's libpng 1.6 reports "chunk data is too large" as a benign
    // error, a warning on read, and then allocates (and zero-fills) whatever length the chunk
    // claims: a PNG of 60 bytes cost 2 GiB. Benign errors become errors, and no chunk may
    // claim more than kMaxChunkBytes.
    png_set_benign_errors(png, 0);
    png_set_chunk_malloc_max(png, kMaxChunkBytes);
    // Only IHDR, PLTE and IDAT are read: every ancillary chunk is skipped unread, so a
    // malformed or CRC-damaged one cannot fail the file.
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, nullptr, 0);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, kAncillaryChunks,
                                static_cast<int>(sizeof kAncillaryChunks / 5));
    png_set_crc_action(png, PNG_CRC_DEFAULT, PNG_CRC_QUIET_USE);
#if defined(PNG_IGNORE_ADLER32)
    // zlib's Adler-32 of the image data guards what the IDAT chunks' CRCs (critical chunks:
    // checked, an error) already do; computing it was 3% of `stats` on the demo set.
    png_set_option(png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
#endif
}

} // namespace losslens::detail
