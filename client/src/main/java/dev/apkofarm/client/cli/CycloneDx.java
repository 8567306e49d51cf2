package dev.apkofarm.client.cli;

import dev.apkofarm.core.EngineVersion;
import dev.apkofarm.core.build.BuiltArch;
import dev.apkofarm.core.build.BuiltImage;
import dev.apkofarm.core.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Dependency;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.metadata.ToolInformation;

/**
 * CycloneDX 1.6 SBOMs ({@code --sbom-formats cyclonedx}; apko offers SPDX only): per arch, the image as the
 * metadata component and each installed package (base packages included) as a library with an apk purl; for the
 * index, each arch's image. Deterministic: the serial number is derived from the digest described, the timestamp is
 * the image's creation time.
 */
final class CycloneDx {
  static final Version VERSION = Version.VERSION_16;

  private CycloneDx() {}

  /** {@code sbom-<apk arch>.cdx.json}. */
  static String fileName(BuiltArch a) {
    return "sbom-" + a.arch().apkName() + ".cdx.json";
  }

  static byte[] image(BuiltArch a, String reference) {
    Component image = container(reference, a.manifest().digest(), a.arch().ociArchitecture());
    Bom bom = bom(a.manifest().digest(), image, a.created());
    List<Dependency> deps = new ArrayList<>();
    Dependency root = new Dependency(image.getBomRef());
    for (String nv : a.packages()) {
      int eq = nv.indexOf('=');
      String name = nv.substring(0, eq);
      String version = nv.substring(eq + 1);
      Component c = new Component();
      c.setType(Component.Type.LIBRARY);
      c.setName(name);
      c.setVersion(version);
      c.setPurl("pkg:apk/" + name + "@" + version + "?arch=" + a.arch().apkName());
      c.setBomRef(c.getPurl());
      bom.addComponent(c);
      root.addDependency(new Dependency(c.getBomRef()));
    }
    deps.add(root);
    bom.setDependencies(deps);
    return json(bom);
  }

  static byte[] index(BuiltImage built, String reference) {
    Component index = container(reference, built.index().digest(), "");
    BuiltArch first = built.archs().get(0);
    Bom bom = bom(built.index().digest(), index, first.created());
    for (BuiltArch a : built.archs()) {
      bom.addComponent(container(reference, a.manifest().digest(), a.arch().ociArchitecture()));
    }
    return json(bom);
  }

  private static Bom bom(Digest subject, Component described, java.time.Instant created) {
    Bom bom = new Bom();
    bom.setSerialNumber("urn:uuid:" + UUID.nameUUIDFromBytes(subject.toString().getBytes(StandardCharsets.UTF_8)));
    bom.setVersion(1);
    Metadata md = new Metadata();
    md.setTimestamp(Date.from(created));
    Component tool = new Component();
    tool.setType(Component.Type.APPLICATION);
    tool.setName("apko-farm");
    tool.setVersion(EngineVersion.get());
    ToolInformation tools = new ToolInformation();
    tools.setComponents(List.of(tool));
    md.setToolChoice(tools);
    md.setComponent(described);
    bom.setMetadata(md);
    bom.setComponents(new ArrayList<>());
    return bom;
  }

  private static Component container(String reference, Digest digest, String architecture) {
    Component c = new Component();
    c.setType(Component.Type.CONTAINER);
    String name = reference.isEmpty() ? "image" : reference;
    c.setName(name);
    c.setVersion(digest.toString());
    String repo = name.replaceFirst("[:@].*$", "");
    repo = repo.substring(repo.lastIndexOf('/') + 1);
    c.setPurl("pkg:oci/" + repo + "@" + digest.toString().replace(":", "%3A")
        + (architecture.isEmpty() ? "" : "?arch=" + architecture));
    c.setBomRef(c.getPurl());
    c.setHashes(List.of(new Hash(Hash.Algorithm.SHA_256, digest.hex())));
    return c;
  }

  private static byte[] json(Bom bom) {
    try {
      return (BomGeneratorFactory.createJson(VERSION, bom).toJsonString() + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (GeneratorException e) {
      throw new IllegalStateException("a CycloneDX document built from plain values always serialises", e);
    }
  }
}
