#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "util/crypto.h"

// As the product's RunCli: PSA crypto (TLS 1.3) is initialised once first.
int main(int argc, char** argv) {
  if (!cammio::InitCrypto()) return 1;
  return doctest::Context(argc, argv).run();
}
