/*
 * sha256.c — SHA-256 of a buffer, for summary.json's experiment_sha256: a run's outputs name
 * the exact bytes of the experiment that produced them, so two result folders can be compared
 * (or merged) only when they come from the same file.
 *
 * This is the plain FIPS 180-4 algorithm [1], written out rather than taken from a crypto
 * library so that squash keeps libxml2 as its only dependency. Nothing here is secret, so no
 * effort goes into constant time; speed does not matter either (one file per run).
 *
 *   - Padding (§5.1.1): the message, one 1 bit, zeros up to 448 mod 512 bits, then the message
 *     length in bits as a 64-bit big-endian integer.
 *   - Each 512-bit block is read as 16 big-endian 32-bit words, expanded to 64 (§6.2.2 step 1)
 *     with σ0, σ1, and mixed into the eight working variables over 64 rounds with Σ0, Σ1, Ch,
 *     Maj and the constants K (§4.1.2, §4.2.2), starting from H(0) (§5.3.3).
 *
 * The tests check the FIPS examples [2] ("", "abc", the 448-bit message, a million 'a').
 *
 * References:
 *   [1] NIST FIPS PUB 180-4, Secure Hash Standard (SHS), August 2015.
 *   [2] NIST, "Cryptographic Standards and Guidelines: Examples with Intermediate Values",
 *       SHA256.pdf, SHA2_Additional.pdf.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sq.h"

/* §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* §5.3.3: the first 32 bits of the fractional parts of the square roots of the first 8 primes. */
static const uint32_t sha256_h0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

/* §6.2.2: one 64-byte block into the hash state h. */
static void sha256_block(uint32_t h[8], const unsigned char *block)
{
    uint32_t w[64];
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)block[4 * t] << 24 | (uint32_t)block[4 * t + 1] << 16 |
               (uint32_t)block[4 * t + 2] << 8 | (uint32_t)block[4 * t + 3];
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int t = 0; t < 64; t++) {
        uint32_t big_s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = k + big_s1 + ch + sha256_k[t] + w[t];
        uint32_t big_s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = big_s0 + maj;
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += k;
}

void sq_sha256_hex(const void *data, size_t len, char out[65])
{
    assert(out != NULL && (data != NULL || len == 0));
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = data;
    uint32_t h[8];
    memcpy(h, sha256_h0, sizeof h);

    size_t whole = len - len % 64;
    for (size_t i = 0; i < whole; i += 64)
        sha256_block(h, p + i);

    /* §5.1.1: the tail, the 1 bit, zeros, and the 64-bit length: one or two last blocks. */
    unsigned char tail[128];
    size_t rest = len - whole;
    memset(tail, 0, sizeof tail);
    if (rest > 0)
        memcpy(tail, p + whole, rest);
    tail[rest] = 0x80;
    size_t tail_len = rest + 1 + 8 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8u; /* mod 2^64, as the standard defines it */
    for (int i = 0; i < 8; i++)
        tail[tail_len - 1 - (size_t)i] = (unsigned char)(bits >> (8 * i));
    for (size_t i = 0; i < tail_len; i += 64)
        sha256_block(h, tail + i);

    for (int i = 0; i < 8; i++) {
        for (int j = 0; j < 8; j++)
            out[8 * i + j] = hex[(h[i] >> (28 - 4 * j)) & 0xf];
    }
    out[64] = '\0';
}
