// Hashes, MACs, signatures and encodings (the only code that includes OpenSSL is crypto.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace kvonce::crypto {

// Incremental SHA-256, for hashing a payload as it streams.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view bytes);
  std::string finish_hex();  // lower-case hex; the object is spent afterwards

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string sha256_hex(std::string_view bytes);
std::string sha256_raw(std::string_view bytes);                               // 32 raw bytes
std::string hmac_sha256_raw(std::string_view key, std::string_view message);  // 32 raw bytes
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// HMAC-SHA256 of many messages under one key (masking every value of a payload): the key is set
// up once, where the one-shot functions above pay OpenSSL's algorithm lookup and key setup on
// every call. OpenSSL's context, which holds the key, is cleansed on destruction.
class HmacSha256 {
 public:
  explicit HmacSha256(std::string_view key);
  ~HmacSha256();
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;
  void append_hex(std::string_view message, std::string& out);  // lower-case hex MAC, appended

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) with a PEM private key (PKCS#8 or PKCS#1), as Google
// service-account JWTs need. Throws Error(auth) when the key cannot be read; the message never
// quotes the key.
std::string rsa_sha256_sign(std::string_view pem_private_key, std::string_view message);

// Verifies an RS256 signature with a PEM public key (SubjectPublicKeyInfo). False when it does
// not verify or the key cannot be read.
bool rsa_sha256_verify(std::string_view pem_public_key, std::string_view message,
                       std::string_view signature);

// A fresh RSA key pair as PEM: PKCS#8 private key, SubjectPublicKeyInfo public key. Tests create
// their keys with it, so no key is ever committed.
struct RsaKeyPair {
  std::string private_pem;
  std::string public_pem;
};
RsaKeyPair generate_rsa_key_pair(unsigned bits = 2048);

// `size` bytes from the operating system's CSPRNG.
std::string random_bytes(std::size_t size);

std::string to_hex(std::string_view raw);
std::string base64_encode(std::string_view raw);
std::string base64url_encode(std::string_view raw);  // no padding (JWT)
// Accepts standard and URL-safe alphabets, padding optional; false on any other character.
bool base64_decode(std::string_view text, std::string& out);

// The version of the OpenSSL library the process runs with, e.g. "3.0.15".
std::string openssl_runtime_version();

// Compares secrets without leaking their content through timing.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace kvonce::crypto
