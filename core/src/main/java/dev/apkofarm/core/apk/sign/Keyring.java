package dev.apkofarm.core.apk.sign;

import dev.apkofarm.core.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The RSA public keys trusted to sign repository indexes, by key name: the file name apk gives the key in
 * {@code /etc/apk/keys}, which is also the suffix of the signature file it verifies
 * ({@code .SIGN.RSA256.melange.rsa.pub} names {@code melange.rsa.pub}).
 */
public final class Keyring {
  /**
   * One trusted key.
   *
   * @param name the key name, e.g. {@code alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub}
   * @param pem the key file's text as read (what goes into {@code /etc/apk/keys} and lock files)
   * @param publicKey the parsed key
   */
  public record Key(String name, String pem, RSAPublicKey publicKey) {
    public Key {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(pem, "pem");
      Objects.requireNonNull(publicKey, "publicKey");
      if (name.isEmpty() || name.contains("/")) {
        throw new IllegalArgumentException("invalid key name \"" + name + "\" (a file name, without /)");
      }
    }

    /**
     * Parses a PEM public key.
     *
     * @throws BadInputException naming the key when it is not an RSA public key
     */
    public static Key parse(String name, byte[] pem) throws BadInputException {
      try {
        return new Key(name, new String(pem, StandardCharsets.UTF_8), Pem.publicKey(pem, "key " + name));
      } catch (IllegalArgumentException e) {
        throw new BadInputException(e.getMessage(), e);
      }
    }

    /** Whether {@code signature} is this key's signature of {@code data} under {@code algorithm}. */
    public boolean verifies(SignatureAlgorithm algorithm, byte[] data, int off, int len, byte[] signature) {
      try {
        Signature s = algorithm.newSignature();
        s.initVerify(publicKey);
        s.update(data, off, len);
        return s.verify(signature);
      } catch (GeneralSecurityException e) {
        return false;
      }
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static final Keyring EMPTY = new Keyring(Map.of());

  private final Map<String, Key> keys;

  private Keyring(Map<String, Key> keys) {
    this.keys = Collections.unmodifiableMap(keys);
  }

  /** A keyring trusting nothing. */
  public static Keyring empty() {
    return EMPTY;
  }

  /** A keyring of the given keys; a later key with the same name replaces an earlier one. */
  public static Keyring of(Collection<Key> keys) {
    Map<String, Key> map = new LinkedHashMap<>();
    for (Key k : keys) {
      map.put(k.name(), k);
    }
    return new Keyring(map);
  }

  /**
   * Loads PEM public key files; each key is named by its file name.
   *
   * @throws BadInputException naming the file that is missing or not an RSA public key
   */
  public static Keyring load(Collection<Path> files) throws BadInputException {
    List<Key> keys = new ArrayList<>();
    for (Path file : files) {
      byte[] pem;
      try {
        pem = Files.readAllBytes(file);
      } catch (NoSuchFileException e) {
        throw new BadInputException("key " + file + " does not exist");
      } catch (IOException e) {
        throw new BadInputException("cannot read key " + file + ": " + e.getMessage(), e);
      }
      keys.add(Key.parse(file.getFileName().toString(), pem));
    }
    return of(keys);
  }

  /** This keyring plus {@code more}. */
  public Keyring with(Collection<Key> more) {
    List<Key> all = new ArrayList<>(keys.values());
    all.addAll(more);
    return of(all);
  }

  /**
   * The key a signature file names: the exact name, or the name without {@code .rsa.pub} (keys fetched from a URL
   * without a file extension).
   */
  public Optional<Key> find(String keyName) {
    Key k = keys.get(keyName);
    if (k == null && keyName.endsWith(".rsa.pub")) {
      k = keys.get(keyName.substring(0, keyName.length() - ".rsa.pub".length()));
    }
    return Optional.ofNullable(k);
  }

  /** Every key, in the order added. */
  public List<Key> keys() {
    return List.copyOf(keys.values());
  }

  /** The key names, in the order added. */
  public List<String> names() {
    return List.copyOf(keys.keySet());
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  @Override
  public String toString() {
    return "Keyring" + names();
  }
}
