#include "kvonce/crypto/crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "kvonce/util/error.hpp"

namespace kvonce::crypto {
namespace {

constexpr char kHex[] = "0123456789abcdef";

[[noreturn]] void openssl_failed(const char* what) {
  fail(ErrorKind::internal, std::string("OpenSSL: ") + what + " failed");
}

std::string encode64(std::string_view raw, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((raw.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < raw.size(); i += 3) {
    const auto n = static_cast<std::uint32_t>(static_cast<unsigned char>(raw[i])) << 16 |
                   static_cast<std::uint32_t>(static_cast<unsigned char>(raw[i + 1])) << 8 |
                   static_cast<unsigned char>(raw[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(alphabet[(n >> s) & 63]);
  }
  const std::size_t rest = raw.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(raw[i])) << 16;
    if (rest == 2) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(raw[i + 1])) << 8;
    out.push_back(alphabet[(n >> 18) & 63]);
    out.push_back(alphabet[(n >> 12) & 63]);
    if (rest == 2) out.push_back(alphabet[(n >> 6) & 63]);
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

}  // namespace

struct Sha256::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) != 1) {
    openssl_failed("SHA-256 init");
  }
}
Sha256::~Sha256() = default;

void Sha256::update(std::string_view bytes) {
  if (EVP_DigestUpdate(impl_->ctx, bytes.data(), bytes.size()) != 1) openssl_failed("SHA-256");
}

std::string Sha256::finish_hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(impl_->ctx, digest, &size) != 1) openssl_failed("SHA-256 final");
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), size));
}

std::string sha256_raw(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    openssl_failed("SHA-256");
  }
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string sha256_hex(std::string_view bytes) {
  return to_hex(sha256_raw(bytes));
}

std::string hmac_sha256_raw(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &size)) {
    openssl_failed("HMAC-SHA256");
  }
  return std::string(reinterpret_cast<const char*>(mac), size);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  return to_hex(hmac_sha256_raw(key, message));
}

struct HmacSha256::Impl {
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* ctx = nullptr;
};

HmacSha256::HmacSha256(std::string_view key) : impl_(std::make_unique<Impl>()) {
  impl_->mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  impl_->ctx = impl_->mac ? EVP_MAC_CTX_new(impl_->mac) : nullptr;
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  if (!impl_->ctx || EVP_MAC_init(impl_->ctx, reinterpret_cast<const unsigned char*>(key.data()),
                                  key.size(), params) != 1) {
    EVP_MAC_CTX_free(impl_->ctx);
    EVP_MAC_free(impl_->mac);
    openssl_failed("HMAC-SHA256 init");
  }
}

HmacSha256::~HmacSha256() {
  EVP_MAC_CTX_free(impl_->ctx);
  EVP_MAC_free(impl_->mac);
}

void HmacSha256::append_hex(std::string_view message, std::string& out) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t size = 0;
  // Re-initialising without a key restarts the MAC under the key already set.
  if (EVP_MAC_init(impl_->ctx, nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(impl_->ctx, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1 ||
      EVP_MAC_final(impl_->ctx, mac, &size, sizeof mac) != 1) {
    openssl_failed("HMAC-SHA256");
  }
  out += to_hex(std::string_view(reinterpret_cast<const char*>(mac), size));
}

std::string rsa_sha256_sign(std::string_view pem, std::string_view message) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (!bio) openssl_failed("BIO");
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!key) fail(ErrorKind::auth, "the private key is not a readable PEM RSA key");
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string sig;
  std::size_t size = 0;
  const bool ok =
      ctx && EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestSignUpdate(ctx, message.data(), message.size()) == 1 &&
      EVP_DigestSignFinal(ctx, nullptr, &size) == 1 && (sig.resize(size), true) &&
      EVP_DigestSignFinal(ctx, reinterpret_cast<unsigned char*>(sig.data()), &size) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  if (!ok) fail(ErrorKind::auth, "signing with the private key failed (is it an RSA key?)");
  sig.resize(size);
  return sig;
}

bool rsa_sha256_verify(std::string_view pem_public_key, std::string_view message,
                       std::string_view signature) {
  BIO* bio = BIO_new_mem_buf(pem_public_key.data(), static_cast<int>(pem_public_key.size()));
  if (!bio) openssl_failed("BIO");
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!key) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      ctx && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

RsaKeyPair generate_rsa_key_pair(unsigned bits) {
  EVP_PKEY* key = EVP_RSA_gen(bits);
  if (!key) openssl_failed("RSA key generation");
  auto pem_of = [key](bool is_private) {
    BIO* bio = BIO_new(BIO_s_mem());
    const bool ok = bio && (is_private ? PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0,
                                                                  nullptr, nullptr)
                                       : PEM_write_bio_PUBKEY(bio, key)) == 1;
    char* data = nullptr;
    const long size = ok ? BIO_get_mem_data(bio, &data) : 0;
    std::string pem(data ? data : "", data ? static_cast<std::size_t>(size) : 0);
    BIO_free(bio);
    return pem;
  };
  RsaKeyPair pair{pem_of(true), pem_of(false)};
  EVP_PKEY_free(key);
  if (pair.private_pem.empty() || pair.public_pem.empty()) openssl_failed("PEM encoding");
  return pair;
}

std::string random_bytes(std::size_t size) {
  std::string out(size, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(size)) != 1) {
    openssl_failed("RAND_bytes");
  }
  return out;
}

std::string to_hex(std::string_view raw) {
  std::string hex;
  hex.reserve(raw.size() * 2);
  for (const char c : raw) {
    const auto b = static_cast<unsigned char>(c);
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 15]);
  }
  return hex;
}

std::string base64_encode(std::string_view raw) {
  return encode64(raw, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", true);
}

std::string base64url_encode(std::string_view raw) {
  return encode64(raw, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", false);
}

bool base64_decode(std::string_view s, std::string& out) {
  while (!s.empty() && s.back() == '=') s.remove_suffix(1);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : s) {
    int d;
    if (c >= 'A' && c <= 'Z')
      d = c - 'A';
    else if (c >= 'a' && c <= 'z')
      d = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      d = c - '0' + 52;
    else if (c == '+' || c == '-')
      d = 62;
    else if (c == '/' || c == '_')
      d = 63;
    else
      return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string openssl_runtime_version() {
  return OpenSSL_version(OPENSSL_VERSION_STRING);
}

}  // namespace kvonce::crypto
