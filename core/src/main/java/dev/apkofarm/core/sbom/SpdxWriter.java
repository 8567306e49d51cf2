package dev.apkofarm.core.sbom;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.fs.Directory;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.Node;
import dev.apkofarm.core.fs.RegularFile;
import dev.apkofarm.core.oci.Descriptor;
import dev.apkofarm.core.oci.Digest;
import dev.apkofarm.core.oci.MediaType;
import dev.apkofarm.core.oci.json.GoTime;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes the SPDX 2.3 SBOMs apko writes: one per arch image (image, layers, operating system, the image's source,
 * and every installed package that ships its own SBOM under {@code /var/lib/db/sbom}, merged in with its
 * relationships) and one for the index (the index and its per-arch images). Output is byte-deterministic.
 */
public final class SpdxWriter {
  private static final String NOASSERTION = "NOASSERTION";
  private static final String SBOM_DIR = "var/lib/db/sbom";
  private final SbomTool tool;

  public SpdxWriter(SbomTool tool) {
    this.tool = tool;
  }

  /**
   * What an arch SBOM describes.
   *
   * @param tree the finished image filesystem (for {@code /etc/os-release} and packages' own SBOMs)
   * @param installed installed packages as name and version, in install order
   * @param reference the image reference given to the build (e.g. {@code golden:latest}), for purls
   * @param arch the arch
   * @param manifestDigest the image manifest's digest
   * @param layers the layer descriptors
   * @param created the image creation time
   * @param vcsUrl the config's {@code vcs-url}
   */
  public record ImageInput(
      ImageTree tree,
      List<NameVersion> installed,
      String reference,
      Arch arch,
      Digest manifestDigest,
      List<Descriptor> layers,
      Instant created,
      Optional<String> vcsUrl) {
    public ImageInput {
      installed = List.copyOf(installed);
      layers = List.copyOf(layers);
    }
  }

  /** A package name and version. */
  public record NameVersion(String name, String version) {}

  /** The per-arch SBOM ({@code sbom-<apk arch>.spdx.json}). */
  public byte[] image(ImageInput in) throws BadInputException, IOException {
    OsRelease os = OsRelease.read(in.tree());
    String supplier = supplier(os.name());
    Spdx.Document doc = newDocument("sbom-" + in.layers().get(0).digest(), in.created());

    String imageName = Purl.imageName(in.reference());
    Map<String, String> imageQualifiers = new LinkedHashMap<>();
    imageQualifiers.put("arch", in.arch().ociArchitecture());
    imageQualifiers.put("os", "linux");
    imageQualifiers.put("mediaType", MediaType.OCI_MANIFEST);

    String digest = in.manifestDigest().toString();
    Spdx.Package image = new Spdx.Package();
    image.id = Purl.spdxId("SPDXRef-Package-Image-" + digest);
    image.name = digest;
    image.version = digest;
    image.supplier = supplier;
    image.downloadLocation = NOASSERTION;
    image.primaryPurpose = "CONTAINER";
    image.description = "apko container image";
    image.checksums.add(new Spdx.Checksum("SHA256", in.manifestDigest().hex()));
    image.externalRefs.add(purlRef(Purl.oci(imageName, digest, imageQualifiers)));
    doc.packages.add(image);

    for (Descriptor layer : in.layers()) {
      Spdx.Package lp = new Spdx.Package();
      String ld = layer.digest().toString();
      lp.id = "SPDXRef-Package-ImageLayer-" + Purl.spdxId(ld);
      lp.name = ld;
      lp.version = os.versionId();
      lp.description = "apko operating system layer";
      lp.downloadLocation = NOASSERTION;
      lp.primaryPurpose = "CONTAINER";
      lp.supplier = supplier;
      Map<String, String> q = new LinkedHashMap<>(imageQualifiers);
      q.put("mediaType", layer.mediaType());
      lp.externalRefs.add(purlRef(Purl.oci(imageName, ld, q)));
      doc.relationships.add(new Spdx.Relationship(image.id, "CONTAINS", lp.id));
      doc.packages.add(lp);
    }
    doc.documentDescribes.add(image.id);

    Spdx.Package osPackage = new Spdx.Package();
    osPackage.id = "SPDXRef-OperatingSystem-" + Purl.spdxId(os.id());
    osPackage.name = os.id();
    osPackage.version = os.versionId();
    osPackage.supplier = supplier;
    osPackage.description = "Operating System";
    osPackage.downloadLocation = NOASSERTION;
    osPackage.primaryPurpose = "OPERATING_SYSTEM";
    doc.packages.add(osPackage);

    if (in.vcsUrl().isPresent() && !in.vcsUrl().get().isEmpty()) {
      addSource(doc, in.vcsUrl().get(), image, supplier);
    }
    for (NameVersion p : in.installed()) {
      mergePackageSbom(in.tree(), p, doc, supplier);
    }
    dedupe(doc);
    return doc.toJson();
  }

  /**
   * One arch of the index SBOM.
   *
   * @param arch the arch
   * @param manifestDigest its manifest's digest
   */
  public record IndexEntry(Arch arch, Digest manifestDigest) {}

  /** The index SBOM ({@code sbom-index.spdx.json}). */
  public byte[] index(
      Digest indexDigest, List<IndexEntry> images, String reference, Instant created, Optional<String> vcsUrl) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("an index SBOM needs at least one image");
    }
    String supplier = supplier(tool.indexSupplierName());
    String digest = indexDigest.toString();
    Spdx.Document doc = newDocument("sbom-" + digest, created);
    String imageName = Purl.imageName(reference);
    String indexName = imageName.equals("image") ? "index" : imageName;

    Spdx.Package index = new Spdx.Package();
    index.id = "SPDXRef-Package-" + Purl.spdxId(digest);
    index.name = digest;
    index.version = digest;
    index.supplier = supplier;
    index.description = "Multi-arch image index";
    index.sourceInfo = tool.indexSourceInfo();
    index.downloadLocation = NOASSERTION;
    index.primaryPurpose = "CONTAINER";
    index.checksums.add(new Spdx.Checksum("SHA256", indexDigest.hex()));
    index.externalRefs.add(purlRef(Purl.oci(indexName, digest, Map.of("mediaType", MediaType.OCI_INDEX))));
    doc.packages.add(index);
    doc.documentDescribes.add(index.id);

    for (IndexEntry e : images) {
      String d = e.manifestDigest().toString();
      Spdx.Package p = new Spdx.Package();
      p.id = "SPDXRef-Package-" + Purl.spdxId(d);
      p.name = d;
      p.version = d;
      p.supplier = supplier;
      p.downloadLocation = NOASSERTION;
      p.primaryPurpose = "CONTAINER";
      p.checksums.add(new Spdx.Checksum("SHA256", e.manifestDigest().hex()));
      Map<String, String> q = new TreeMap<>();
      q.put("mediaType", MediaType.OCI_MANIFEST);
      q.put("arch", e.arch().ociArchitecture());
      q.put("os", "linux");
      p.externalRefs.add(purlRef(Purl.oci(imageName, d, q)));
      doc.packages.add(p);
      doc.relationships.add(new Spdx.Relationship(Purl.spdxId(index.id), "VARIANT_OF", p.id));
    }
    vcsUrl.filter(v -> !v.isEmpty()).ifPresent(v -> addSource(doc, v, index, supplier));
    return doc.toJson();
  }

  private Spdx.Document newDocument(String name, Instant created) {
    Spdx.Document doc = new Spdx.Document();
    doc.id = "SPDXRef-DOCUMENT";
    doc.name = name;
    doc.version = "SPDX-2.3";
    doc.creationInfo.created = GoTime.format(created);
    doc.creationInfo.creators = new ArrayList<>(tool.creators());
    doc.creationInfo.licenseListVersion = "3.27";
    doc.dataLicense = "CC0-1.0";
    doc.namespace = tool.namespace();
    return doc;
  }

  private static String supplier(String osName) {
    return osName == null || osName.isEmpty() ? NOASSERTION : "Organization: " + osName;
  }

  private static Spdx.ExternalRef purlRef(String purl) {
    return new Spdx.ExternalRef("PACKAGE-MANAGER", "purl", purl);
  }

  private static void addSource(Spdx.Document doc, String vcsUrl, Spdx.Package parent, String supplier) {
    String version = "";
    String name = vcsUrl;
    List<Spdx.Checksum> checksums = new ArrayList<>();
    int at = vcsUrl.indexOf('@');
    if (at >= 0) {
      String hash = vcsUrl.substring(at + 1);
      checksums.add(new Spdx.Checksum("SHA1", hash));
      version = hash;
      name = vcsUrl.substring(0, at);
    }
    for (String scheme : List.of("git+ssh://", "git://", "https://")) {
      if (name.startsWith(scheme)) {
        name = name.substring(scheme.length());
      }
    }
    Spdx.Package src = new Spdx.Package();
    src.id = "SPDXRef-Package-" + Purl.spdxId(vcsUrl);
    src.name = name;
    src.version = version;
    src.supplier = supplier;
    src.primaryPurpose = "SOURCE";
    src.description = "Image configuration source";
    src.downloadLocation = vcsUrl;
    src.checksums = checksums;
    if (name.startsWith("github.com/")) {
      String slug = name.substring("github.com/".length());
      int slash = slug.indexOf('/');
      if (slash >= 0) {
        String org = slug.substring(0, slash);
        String repo = slug.substring(slash + 1);
        if (repo.endsWith(".git")) {
          repo = repo.substring(0, repo.length() - 4);
        }
        String purl = "pkg:github/" + Purl.pathEscape(org) + "/" + Purl.pathEscape(repo)
            + (version.isEmpty() ? "" : "@" + Purl.pathEscape(version));
        src.externalRefs.add(purlRef(purl));
      }
    }
    doc.packages.add(src);
    doc.relationships.add(new Spdx.Relationship(parent.id, "GENERATED_FROM", src.id));
  }

  /** apko's {@code ProcessInternalApkSBOM}: copy the package's own SBOM elements and relate them to the image. */
  private void mergePackageSbom(ImageTree tree, NameVersion p, Spdx.Document doc, String supplier)
      throws BadInputException, IOException {
    Optional<RegularFile> file = locate(tree, p);
    if (file.isEmpty()) {
      return;
    }
    Spdx.Document internal;
    try {
      internal = SpdxReader.read(file.get().content().readAllBytes());
    } catch (IOException e) {
      return; // apko ignores a package SBOM it cannot parse
    }
    for (Spdx.Package ip : internal.packages) {
      if (ip.originator.isEmpty()) {
        ip.originator = supplier;
      }
      if (ip.supplier.isEmpty()) {
        ip.supplier = ip.originator;
      }
      ip.filesAnalyzed = false;
      ip.verificationCode = null;
    }
    Set<String> described = new HashSet<>(internal.documentDescribes);
    for (Spdx.Relationship r : internal.relationships) {
      if (r.element.equals("SPDXRef-DOCUMENT") && r.type.equals("DESCRIBES")) {
        described.add(r.related);
      }
    }
    LinkedHashSet<String> targets = new LinkedHashSet<>();
    for (Spdx.Package ip : internal.packages) {
      if (described.contains(ip.id)) {
        targets.add(ip.id);
        if (targets.size() == described.size()) {
          break;
        }
      }
    }
    Set<String> todo = new HashSet<>(targets);
    for (int prev = -1; prev != todo.size(); ) {
      prev = todo.size();
      for (Spdx.Relationship r : internal.relationships) {
        if (!r.related.startsWith("SPDXRef-File-") && todo.contains(r.element)) {
          todo.add(r.related);
        }
      }
    }
    Set<String> done = new HashSet<>();
    for (Spdx.Package ip : internal.packages) {
      if (todo.contains(ip.id)) {
        doc.packages.add(ip);
        done.add(ip.id);
      }
    }
    for (Spdx.Relationship r : internal.relationships) {
      if (todo.contains(r.element) && !r.related.startsWith("SPDXRef-File-")) {
        doc.relationships.add(r);
      }
    }
    if (done.size() != todo.size()) {
      TreeSet<String> missing = new TreeSet<>(todo);
      missing.removeAll(done);
      throw new BadInputException(
          "SBOM of package " + p.name() + "-" + p.version() + " relates elements it does not define: " + missing);
    }
    for (Spdx.LicensingInfo li : internal.licensingInfos) {
      if (doc.licensingInfos.stream().noneMatch(t -> t.licenseId.equals(li.licenseId))) {
        doc.licensingInfos.add(li);
      }
    }
    if (!doc.documentDescribes.isEmpty()) {
      // apko ranges over a Go map here (random order); we keep the package's own order.
      for (String id : targets) {
        doc.relationships.add(new Spdx.Relationship(doc.documentDescribes.get(0), "CONTAINS", id));
      }
    }
  }

  private static Optional<RegularFile> locate(ImageTree tree, NameVersion p) throws BadInputException {
    String unreleased = p.version().replaceAll("-r\\d+$", "");
    for (String path :
        List.of(
            SBOM_DIR + "/" + p.name() + "-" + p.version() + ".spdx.json",
            SBOM_DIR + "/" + p.name() + "-" + unreleased + ".spdx.json",
            SBOM_DIR + "/" + p.name() + ".spdx.json")) {
      Optional<Node> n = tree.stat(path);
      if (n.isEmpty()) {
        continue;
      }
      if (n.get() instanceof Directory) {
        throw new BadInputException("package " + p.name() + ": directory found at SBOM path /" + path);
      }
      return n.filter(x -> x instanceof RegularFile).map(x -> (RegularFile) x);
    }
    return Optional.empty();
  }

  private static void dedupe(Spdx.Document doc) {
    Set<String> seen = new HashSet<>();
    doc.packages.removeIf(p -> !seen.add(p.id));
  }
}
