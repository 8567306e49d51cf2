package dev.apkofarm.core.image;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.sign.Pem;
import dev.apkofarm.core.config.RuntimeKey;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.TreeException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * apko's {@code installRuntimeKeyring}: each {@code contents.runtime_keyring} key (exactly one PEM RSA {@code PUBLIC
 * KEY}) re-encoded into {@code /etc/apk/keys/NAME} (0644, build time), in name order; a name already present there is
 * refused.
 */
final class RuntimeKeyring {
  private RuntimeKeyring() {}

  static void install(ImageTree tree, List<RuntimeKey> keys, long builtTime) throws BadInputException {
    if (keys.isEmpty()) {
      return;
    }
    tree.mkdirAll("etc/apk/keys", 0755);
    List<RuntimeKey> sorted = new ArrayList<>(keys);
    sorted.sort(Comparator.comparing(RuntimeKey::name));
    for (RuntimeKey k : sorted) {
      byte[] pem;
      try {
        pem = canonical(k.content());
      } catch (IllegalArgumentException e) {
        throw new BadInputException("contents.runtime_keyring \"" + k.name() + "\": " + e.getMessage());
      }
      String path = "etc/apk/keys/" + k.name();
      if (tree.lstat(path).isPresent()) {
        throw new BadInputException(
            "contents.runtime_keyring \"" + k.name() + "\" collides with an existing /etc/apk/keys entry");
      }
      try {
        tree.writeFile(path, pem, 0644);
        tree.chtimes(path, builtTime);
      } catch (TreeException e) {
        throw new BadInputException("contents.runtime_keyring \"" + k.name() + "\": " + e.getMessage(), e);
      }
    }
  }

  static byte[] canonical(String pem) {
    List<Pem.Block> blocks = Pem.decodeAll(pem);
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("no PEM block found");
    }
    Pem.Block b = blocks.get(0);
    if (!b.type().equals("PUBLIC KEY")) {
      throw new IllegalArgumentException("expected PUBLIC KEY block, got " + b.type());
    }
    if (blocks.size() > 1) {
      throw new IllegalArgumentException("multiple PEM blocks found; only one is allowed");
    }
    PublicKey key;
    try {
      key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(b.bytes()));
    } catch (Exception e) {
      throw new IllegalArgumentException("expected an RSA public key: " + e.getMessage(), e);
    }
    if (!(key instanceof RSAPublicKey)) {
      throw new IllegalArgumentException("expected an RSA public key");
    }
    return Pem.encode("PUBLIC KEY", b.bytes());
  }
}
