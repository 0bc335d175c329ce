// zlib (zlib1g-dev), for SPDY/3 header compression in port-forward.
//
// Swift sees only these functions, over an opaque stream: zlib's own declarations are also
// included by another package's C module (grpc-swift-nio-transport's CGRPCNIOTransportZlib),
// which then owns `z_stream` for Swift's import checks; and `inflateInit` is a macro.
#ifndef SKIFF_CZLIB_SHIM_H
#define SKIFF_CZLIB_SHIM_H

#include <stdlib.h>
#include <zlib.h>

/// A stream for inflating, or NULL.
static inline void *skiff_zlib_inflater(void) {
  z_stream *stream = calloc(1, sizeof *stream);
  if (stream != NULL && inflateInit(stream) != Z_OK) {
    free(stream);
    return NULL;
  }
  return stream;
}

/// A stream for deflating at `level`, or NULL.
static inline void *skiff_zlib_deflater(int level) {
  z_stream *stream = calloc(1, sizeof *stream);
  if (stream != NULL && deflateInit(stream, level) != Z_OK) {
    free(stream);
    return NULL;
  }
  return stream;
}

static inline void skiff_zlib_inflater_free(void *stream) {
  inflateEnd(stream);
  free(stream);
}

static inline void skiff_zlib_deflater_free(void *stream) {
  deflateEnd(stream);
  free(stream);
}

/// One inflate (`deflating` 0) or deflate call with Z_SYNC_FLUSH; says how much of `input`
/// it took and how much of `output` it filled. Returns zlib's status.
static inline int skiff_zlib_step(
    void *opaque, int deflating, const unsigned char *input, unsigned inputLength, unsigned char *output,
    unsigned outputLength, unsigned *consumed, unsigned *produced) {
  z_stream *stream = opaque;
  stream->next_in = (Bytef *)input;
  stream->avail_in = inputLength;
  stream->next_out = output;
  stream->avail_out = outputLength;
  int status = deflating ? deflate(stream, Z_SYNC_FLUSH) : inflate(stream, Z_SYNC_FLUSH);
  *consumed = inputLength - stream->avail_in;
  *produced = outputLength - stream->avail_out;
  stream->next_in = NULL;
  stream->avail_in = 0;
  return status;
}

/// The Adler-32 of the dictionary an inflater asked for (after Z_NEED_DICT).
static inline unsigned long skiff_zlib_wanted_dictionary(void *stream) {
  return ((z_stream *)stream)->adler;
}

static inline int skiff_zlib_set_dictionary(void *stream, int deflating, const unsigned char *bytes, unsigned length) {
  return deflating ? deflateSetDictionary(stream, bytes, length) : inflateSetDictionary(stream, bytes, length);
}

/// zlib's status codes, as values Swift can import.
enum {
  SKIFF_Z_OK = Z_OK,
  SKIFF_Z_NEED_DICT = Z_NEED_DICT,
  SKIFF_Z_BUF_ERROR = Z_BUF_ERROR,
  SKIFF_Z_DEFAULT_COMPRESSION = Z_DEFAULT_COMPRESSION,
};

#endif
