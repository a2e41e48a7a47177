// X25519's Montgomery-ladder step for mbedTLS (MBEDTLS_ECP_INTERNAL_ALT with
// MBEDTLS_ECP_DOUBLE_ADD_MXZ_ALT and MBEDTLS_ECP_NORMALIZE_MXZ_ALT, set in
// cammio_mbedtls_config.h), compiled into the mbedTLS library itself
// (cmake/Dependencies.cmake).
//
// Why: every TLS 1.3 handshake with a browser or OpenSSL client is an X25519
// key exchange, two scalar multiplications (our public key, the shared
// secret). mbedTLS computes each of the ladder's 255 steps with its generic
// bignum code (heap-allocated numbers, a compare-and-subtract loop per
// reduction): about 0.6 ms per multiplication on x86-64, 80 % of a full
// handshake's CPU. This file computes the step in GF(2^255 - 19) with five
// 51-bit limbs and 128-bit products instead (Bernstein's curve25519-donna
// representation), about ten times faster. mbedTLS keeps the ladder itself:
// the scalar walk, the constant-time swaps, the coordinate randomisation, the
// key checks; only the field arithmetic of a step and of the final division
// happens here.
//
// Constant time: no branch and no memory index depends on a value.
//
// Contract (library/ecp_internal_alt.h): mbedTLS calls
// mbedtls_internal_ecp_grp_capable() for every multiplication, and the other
// functions only for groups it accepted (Curve25519 only; every other group
// keeps mbedTLS's own code). Inputs are coordinates reduced modulo p, outputs
// are too. Thread-safe: no state.
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <mbedtls/bignum.h>
#include <mbedtls/build_info.h>
#include <mbedtls/ecp.h>
#include <stdint.h>
#include <string.h>

#include "ecp_internal_alt.h"

#if defined(MBEDTLS_ECP_INTERNAL_ALT)

_Static_assert(sizeof(mbedtls_mpi_uint) == 8, "curve25519_ladder.c needs 64-bit bignum limbs");

typedef unsigned __int128 u128;
typedef uint64_t fe[5];  // value = sum f[i] * 2^(51 i), limbs a little over 51 bits

static const uint64_t kMask51 = (UINT64_C(1) << 51) - 1;

// mbedtls_mpi (limbs of 64 bits, little-endian, value modulo p) -> fe. A
// number that is not reduced (negative, or longer than 256 bits) is reduced
// with mbedTLS's own code first; the ladder never passes one.
static int FromMpi(fe out, const mbedtls_mpi* x, const mbedtls_mpi* p) {
  uint64_t w[4] = {0, 0, 0, 0};
  int reduced = x->s > 0;
  for (size_t i = 4; i < x->n; ++i) reduced &= x->p[i] == 0;
  if (reduced) {
    for (size_t i = 0; i < 4 && i < x->n; ++i) w[i] = x->p[i];
  } else {
    mbedtls_mpi r;
    mbedtls_mpi_init(&r);
    int ret = mbedtls_mpi_mod_mpi(&r, x, p);
    if (ret == 0) {
      for (size_t i = 0; i < 4 && i < r.n; ++i) w[i] = r.p[i];
    }
    mbedtls_mpi_free(&r);
    if (ret != 0) return ret;
  }
  out[0] = w[0] & kMask51;
  out[1] = ((w[0] >> 51) | (w[1] << 13)) & kMask51;
  out[2] = ((w[1] >> 38) | (w[2] << 26)) & kMask51;
  out[3] = ((w[2] >> 25) | (w[3] << 39)) & kMask51;
  out[4] = w[3] >> 12;  // < 2^52
  return 0;
}

// Carries so every limb is below 2^51 (plus a small excess in limb 0).
static void Carry(fe h) {
  uint64_t c;
  c = h[0] >> 51, h[0] &= kMask51, h[1] += c;
  c = h[1] >> 51, h[1] &= kMask51, h[2] += c;
  c = h[2] >> 51, h[2] &= kMask51, h[3] += c;
  c = h[3] >> 51, h[3] &= kMask51, h[4] += c;
  c = h[4] >> 51, h[4] &= kMask51, h[0] += 19 * c;
  c = h[0] >> 51, h[0] &= kMask51, h[1] += c;
}

// Reduces h to its canonical limbs: the value in [0, p), each limb < 2^51.
static void Freeze(fe h) {
  Carry(h);
  Carry(h);
  // h < 2^255 + small; q = 1 exactly when h >= p = 2^255 - 19 (the carry
  // out of h + 19).
  uint64_t q = (h[0] + 19) >> 51;
  q = (h[1] + q) >> 51;
  q = (h[2] + q) >> 51;
  q = (h[3] + q) >> 51;
  q = (h[4] + q) >> 51;
  h[0] += 19 * q;  // h - q p = h + 19 q - q 2^255: bit 255 is dropped below
  uint64_t c;
  c = h[0] >> 51, h[0] &= kMask51, h[1] += c;
  c = h[1] >> 51, h[1] &= kMask51, h[2] += c;
  c = h[2] >> 51, h[2] &= kMask51, h[3] += c;
  c = h[3] >> 51, h[3] &= kMask51, h[4] += c;
  h[4] &= kMask51;
}

// fe -> mbedtls_mpi, fully reduced to [0, p).
static int ToMpi(mbedtls_mpi* x, const fe f) {
  fe h = {f[0], f[1], f[2], f[3], f[4]};
  Freeze(h);
  int ret = mbedtls_mpi_grow(x, 4);
  if (ret != 0) return ret;
  x->p[0] = h[0] | (h[1] << 51);
  x->p[1] = (h[1] >> 13) | (h[2] << 38);
  x->p[2] = (h[2] >> 26) | (h[3] << 25);
  x->p[3] = (h[3] >> 39) | (h[4] << 12);
  for (size_t i = 4; i < x->n; ++i) x->p[i] = 0;
  x->s = 1;
  return 0;
}

static void Add(fe h, const fe f, const fe g) {
  for (int i = 0; i < 5; ++i) h[i] = f[i] + g[i];
}

// h = f - g + 4p: limbs stay positive for g limbs below 2^53.
static void Sub(fe h, const fe f, const fe g) {
  h[0] = f[0] + UINT64_C(0x1FFFFFFFFFFFB4) - g[0];
  for (int i = 1; i < 5; ++i) h[i] = f[i] + UINT64_C(0x1FFFFFFFFFFFFC) - g[i];
}

// Limbs of the inputs below 2^54; output limbs below 2^51 + 2^13.
static void Mul(fe h, const fe f, const fe g) {
  const uint64_t f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3], f4 = f[4];
  const uint64_t g0 = g[0], g1 = g[1], g2 = g[2], g3 = g[3], g4 = g[4];
  const uint64_t g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4;
  u128 r0 =
      (u128)f0 * g0 + (u128)f1 * g4_19 + (u128)f2 * g3_19 + (u128)f3 * g2_19 + (u128)f4 * g1_19;
  u128 r1 = (u128)f0 * g1 + (u128)f1 * g0 + (u128)f2 * g4_19 + (u128)f3 * g3_19 + (u128)f4 * g2_19;
  u128 r2 = (u128)f0 * g2 + (u128)f1 * g1 + (u128)f2 * g0 + (u128)f3 * g4_19 + (u128)f4 * g3_19;
  u128 r3 = (u128)f0 * g3 + (u128)f1 * g2 + (u128)f2 * g1 + (u128)f3 * g0 + (u128)f4 * g4_19;
  u128 r4 = (u128)f0 * g4 + (u128)f1 * g3 + (u128)f2 * g2 + (u128)f3 * g1 + (u128)f4 * g0;
  r1 += (uint64_t)(r0 >> 51);
  r2 += (uint64_t)(r1 >> 51);
  r3 += (uint64_t)(r2 >> 51);
  r4 += (uint64_t)(r3 >> 51);
  uint64_t c = (uint64_t)(r4 >> 51);
  h[0] = ((uint64_t)r0 & kMask51) + 19 * c;
  h[1] = (uint64_t)r1 & kMask51;
  h[2] = (uint64_t)r2 & kMask51;
  h[3] = (uint64_t)r3 & kMask51;
  h[4] = (uint64_t)r4 & kMask51;
  c = h[0] >> 51, h[0] &= kMask51, h[1] += c;
}

static void Sqr(fe h, const fe f) { Mul(h, f, f); }

// h = f * k for a constant k below 2^20 (the ladder's (A + 2) / 4).
static void MulSmall(fe h, const fe f, uint64_t k) {
  u128 r[5];
  for (int i = 0; i < 5; ++i) r[i] = (u128)f[i] * k;
  uint64_t c = 0;
  for (int i = 0; i < 5; ++i) {
    r[i] += c;
    h[i] = (uint64_t)r[i] & kMask51;
    c = (uint64_t)(r[i] >> 51);
  }
  h[0] += 19 * c;
  c = h[0] >> 51, h[0] &= kMask51, h[1] += c;
}

// h = f^(2^n) (n >= 1).
static void SqrN(fe h, const fe f, int n) {
  Sqr(h, f);
  for (int i = 1; i < n; ++i) Sqr(h, h);
}

// h = f^(p - 2) = 1 / f (0 for 0): 254 squarings and 11 multiplications.
static void Invert(fe h, const fe f) {
  fe z2, z9, z11, z2_5_0, z2_10_0, z2_20_0, z2_50_0, z2_100_0, t;
  Sqr(z2, f);               // 2
  SqrN(t, z2, 2);           // 8
  Mul(z9, t, f);            // 9
  Mul(z11, z9, z2);         // 11
  Sqr(t, z11);              // 22
  Mul(z2_5_0, t, z9);       // 2^5 - 1
  SqrN(t, z2_5_0, 5);       // 2^10 - 2^5
  Mul(z2_10_0, t, z2_5_0);  // 2^10 - 1
  SqrN(t, z2_10_0, 10);
  Mul(z2_20_0, t, z2_10_0);  // 2^20 - 1
  SqrN(t, z2_20_0, 20);
  Mul(t, t, z2_20_0);  // 2^40 - 1
  SqrN(t, t, 10);
  Mul(z2_50_0, t, z2_10_0);  // 2^50 - 1
  SqrN(t, z2_50_0, 50);
  Mul(z2_100_0, t, z2_50_0);  // 2^100 - 1
  SqrN(t, z2_100_0, 100);
  Mul(t, t, z2_100_0);  // 2^200 - 1
  SqrN(t, t, 50);
  Mul(t, t, z2_50_0);  // 2^250 - 1
  SqrN(t, t, 5);       // 2^255 - 2^5
  Mul(h, t, z11);      // 2^255 - 21 = p - 2
}

static int IsZero(const fe f) {
  fe h = {f[0], f[1], f[2], f[3], f[4]};
  Freeze(h);
  return (h[0] | h[1] | h[2] | h[3] | h[4]) == 0;
}

unsigned char mbedtls_internal_ecp_grp_capable(const mbedtls_ecp_group* grp) {
  return grp->id == MBEDTLS_ECP_DP_CURVE25519;
}

int mbedtls_internal_ecp_init(const mbedtls_ecp_group* grp) {
  (void)grp;
  return 0;
}

void mbedtls_internal_ecp_free(const mbedtls_ecp_group* grp) { (void)grp; }

// R = 2P, S = P + Q, where d is the affine x of P - Q (mbedTLS's
// ecp_double_add_mxz, the same formulas: mladd-1987-m). R may be P and S
// may be Q: every input is read before anything is written.
int mbedtls_internal_ecp_double_add_mxz(const mbedtls_ecp_group* grp, mbedtls_ecp_point* R,
                                        mbedtls_ecp_point* S, const mbedtls_ecp_point* P,
                                        const mbedtls_ecp_point* Q, const mbedtls_mpi* d) {
  fe px, pz, qx, qz, dx;
  int ret;
  if ((ret = FromMpi(px, &P->X, &grp->P)) != 0 || (ret = FromMpi(pz, &P->Z, &grp->P)) != 0 ||
      (ret = FromMpi(qx, &Q->X, &grp->P)) != 0 || (ret = FromMpi(qz, &Q->Z, &grp->P)) != 0 ||
      (ret = FromMpi(dx, d, &grp->P)) != 0) {
    return ret;
  }
  fe pp, pm, qp, qm, t0, t1, t2, t3, rx, rz, sx, sz;
  Add(pp, px, pz);           // Pp = PX + PZ
  Sub(pm, px, pz);           // Pm = PX - PZ
  Add(qp, qx, qz);           // Qp = QX + QZ
  Sub(qm, qx, qz);           // Qm = QX - QZ
  Mul(t3, qm, pp);           // Qm * Pp
  Mul(t2, qp, pm);           // Qp * Pm
  Sqr(t0, pp);               // Pp^2
  Sqr(t1, pm);               // Pm^2
  Mul(rx, t0, t1);           // RX = Pp^2 * Pm^2
  Sub(t0, t0, t1);           // E = Pp^2 - Pm^2
  MulSmall(rz, t0, 121666);  // a24 * E, a24 = (A + 2) / 4 = (486662 + 2) / 4
  Add(rz, t1, rz);           // Pm^2 + a24 * E
  Mul(rz, t0, rz);           // RZ = E * (Pm^2 + a24 * E)
  Add(sx, t3, t2);
  Sqr(sx, sx);  // SX = (Qm Pp + Qp Pm)^2
  Sub(sz, t3, t2);
  Sqr(sz, sz);
  Mul(sz, dx, sz);  // SZ = d (Qm Pp - Qp Pm)^2
  if ((ret = ToMpi(&R->X, rx)) != 0 || (ret = ToMpi(&R->Z, rz)) != 0 ||
      (ret = ToMpi(&S->X, sx)) != 0 || (ret = ToMpi(&S->Z, sz)) != 0) {
    return ret;
  }
  return 0;
}

// X = X / Z, Z = 1. Z = 0 (the point at infinity) fails as mbedTLS's own
// modular inverse does.
int mbedtls_internal_ecp_normalize_mxz(const mbedtls_ecp_group* grp, mbedtls_ecp_point* P) {
  fe x, z, inv;
  int ret;
  if ((ret = FromMpi(x, &P->X, &grp->P)) != 0 || (ret = FromMpi(z, &P->Z, &grp->P)) != 0) {
    return ret;
  }
  if (IsZero(z)) return MBEDTLS_ERR_MPI_NOT_ACCEPTABLE;
  Invert(inv, z);
  Mul(x, x, inv);
  if ((ret = ToMpi(&P->X, x)) != 0) return ret;
  return mbedtls_mpi_lset(&P->Z, 1);
}

#endif  // MBEDTLS_ECP_INTERNAL_ALT
