package dev.apkofarm.core.apk.sign;

import dev.apkofarm.core.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Objects;

/**
 * An RSA private key that signs packages and indexes. Its name is the public key's file name that verifiers look
 * up: the private key file's name plus {@code .pub}, as melange and abuild do ({@code melange.rsa} signs as
 * {@code melange.rsa.pub}).
 */
public final class SigningKey {
  private final String name;
  private final RSAPrivateCrtKey key;
  private final Keyring.Key publicKey;

  private SigningKey(String name, RSAPrivateCrtKey key) {
    this.name = Objects.requireNonNull(name);
    this.key = key;
    var pub = Pem.publicOf(key);
    this.publicKey = new Keyring.Key(name, Pem.encodePublic(pub), pub);
  }

  /**
   * Loads a PEM private key (PKCS#1 as written by {@code openssl genrsa}, or PKCS#8), named after its file.
   *
   * @throws BadInputException naming the file when it is missing or not an unencrypted RSA private key
   */
  public static SigningKey load(Path file) throws BadInputException {
    byte[] pem;
    try {
      pem = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new BadInputException("signing key " + file + " does not exist");
    } catch (IOException e) {
      throw new BadInputException("cannot read signing key " + file + ": " + e.getMessage(), e);
    }
    return parse(file.getFileName().toString() + ".pub", pem, "signing key " + file);
  }

  /**
   * Parses a PEM private key that will sign as {@code name}.
   *
   * @throws BadInputException when it is not an unencrypted RSA private key
   */
  public static SigningKey parse(String name, byte[] pem, String what) throws BadInputException {
    try {
      return new SigningKey(name, Pem.privateKey(pem, what));
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage(), e);
    }
  }

  /** A fresh key pair (for tests and throwaway repositories). */
  public static SigningKey generate(String name, int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      return new SigningKey(name, (RSAPrivateCrtKey) g.generateKeyPair().getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is available on every JVM", e);
    }
  }

  /** The key name signatures carry, e.g. {@code melange.rsa.pub}. */
  public String name() {
    return name;
  }

  /** The matching public key, to trust in a {@link Keyring} or publish beside a repository. */
  public Keyring.Key publicKey() {
    return publicKey;
  }

  /** Signs {@code data} with this key. */
  public byte[] sign(SignatureAlgorithm algorithm, byte[] data) {
    try {
      Signature s = algorithm.newSignature();
      s.initSign(key);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing with " + name + " failed", e);
    }
  }

  @Override
  public String toString() {
    return "SigningKey[" + name + "]";
  }
}
