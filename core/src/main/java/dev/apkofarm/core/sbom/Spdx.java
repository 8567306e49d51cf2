package dev.apkofarm.core.sbom;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.apkofarm.core.oci.json.GoJsonWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * SPDX 2.3 JSON documents in the shape apko writes them (its Go structs' fields, order and {@code omitempty}), read
 * leniently from packages' own SBOMs and written with {@link GoJsonWriter} (two-space indent, HTML escaping, final
 * newline).
 */
final class Spdx {
  private Spdx() {}

  /** The document. Mutable lists: the generator fills them in order. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Document {
    @JsonProperty("SPDXID")
    public String id = "";

    public String name = "";

    @JsonProperty("spdxVersion")
    public String version = "";

    public CreationInfo creationInfo = new CreationInfo();
    public String dataLicense = "";

    @JsonProperty("documentNamespace")
    public String namespace = "";

    public List<String> documentDescribes = new ArrayList<>();
    public List<Package> packages = new ArrayList<>();
    public List<Relationship> relationships = new ArrayList<>();
    public List<ExternalDocumentRef> externalDocumentRefs = new ArrayList<>();

    @JsonProperty("hasExtractedLicensingInfos")
    public List<LicensingInfo> licensingInfos = new ArrayList<>();

    /** The document as apko renders it. */
    public byte[] toJson() {
      GoJsonWriter w = GoJsonWriter.indented("  ");
      w.beginObject();
      w.field("SPDXID", id);
      w.field("name", name);
      w.field("spdxVersion", version);
      w.name("creationInfo").beginObject();
      w.field("created", creationInfo.created);
      w.field("creators", creationInfo.creators);
      w.field("licenseListVersion", creationInfo.licenseListVersion);
      w.endObject();
      w.field("dataLicense", dataLicense);
      w.field("documentNamespace", namespace);
      w.field("documentDescribes", documentDescribes);
      w.name("packages").beginArray();
      packages.forEach(p -> p.write(w));
      w.endArray();
      w.name("relationships").beginArray();
      for (Relationship r : relationships) {
        w.beginObject()
            .field("spdxElementId", r.element)
            .field("relationshipType", r.type)
            .field("relatedSpdxElement", r.related)
            .endObject();
      }
      w.endArray();
      if (!externalDocumentRefs.isEmpty()) {
        w.name("externalDocumentRefs").beginArray();
        for (ExternalDocumentRef r : externalDocumentRefs) {
          w.beginObject();
          w.name("checksum");
          r.checksum.write(w);
          w.field("externalDocumentId", r.externalDocumentId);
          w.field("spdxDocument", r.spdxDocument);
          w.endObject();
        }
        w.endArray();
      }
      if (!licensingInfos.isEmpty()) {
        w.name("hasExtractedLicensingInfos").beginArray();
        for (LicensingInfo l : licensingInfos) {
          w.beginObject().field("licenseId", l.licenseId).field("extractedText", l.extractedText).endObject();
        }
        w.endArray();
      }
      w.endObject();
      return w.toEncoderBytes();
    }
  }

  /** {@code creationInfo}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class CreationInfo {
    public String created = "";
    public List<String> creators = new ArrayList<>();
    public String licenseListVersion = "";
  }

  /** A package. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Package {
    @JsonProperty("SPDXID")
    public String id = "";

    public String name = "";

    @JsonProperty("versionInfo")
    public String version = "";

    public boolean filesAnalyzed;
    public String licenseConcluded = "";
    public String licenseDeclared = "";
    public String description = "";
    public String downloadLocation = "";
    public String originator = "";
    public String supplier = "";
    public String sourceInfo = "";
    public String copyrightText = "";
    public String attributionText = "";

    @JsonProperty("primaryPackagePurpose")
    public String primaryPurpose = "";

    public List<Checksum> checksums = new ArrayList<>();
    public List<ExternalRef> externalRefs = new ArrayList<>();

    @JsonProperty("packageVerificationCode")
    public VerificationCode verificationCode;

    void write(GoJsonWriter w) {
      w.beginObject();
      w.field("SPDXID", id);
      w.field("name", name);
      w.fieldOmitEmpty("versionInfo", version);
      w.field("filesAnalyzed", filesAnalyzed);
      w.fieldOmitEmpty("licenseConcluded", licenseConcluded);
      w.fieldOmitEmpty("licenseDeclared", licenseDeclared);
      w.fieldOmitEmpty("description", description);
      w.field("downloadLocation", downloadLocation);
      w.fieldOmitEmpty("originator", originator);
      w.fieldOmitEmpty("supplier", supplier);
      w.fieldOmitEmpty("sourceInfo", sourceInfo);
      w.fieldOmitEmpty("copyrightText", copyrightText);
      w.fieldOmitEmpty("attributionText", attributionText);
      w.fieldOmitEmpty("primaryPackagePurpose", primaryPurpose);
      if (!checksums.isEmpty()) {
        w.name("checksums").beginArray();
        checksums.forEach(c -> c.write(w));
        w.endArray();
      }
      if (!externalRefs.isEmpty()) {
        w.name("externalRefs").beginArray();
        for (ExternalRef r : externalRefs) {
          w.beginObject()
              .field("referenceCategory", r.category)
              .field("referenceLocator", r.locator)
              .field("referenceType", r.type)
              .endObject();
        }
        w.endArray();
      }
      if (verificationCode != null) {
        w.name("packageVerificationCode").beginObject();
        w.fieldOmitEmpty("packageVerificationCodeValue", verificationCode.value);
        w.endObject();
      }
      w.endObject();
    }
  }

  /** {@code packageVerificationCode}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class VerificationCode {
    @JsonProperty("packageVerificationCodeValue")
    public String value = "";
  }

  /** A checksum. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Checksum {
    public String algorithm = "";

    @JsonProperty("checksumValue")
    public String value = "";

    public Checksum() {}

    public Checksum(String algorithm, String value) {
      this.algorithm = algorithm;
      this.value = value;
    }

    void write(GoJsonWriter w) {
      w.beginObject().field("algorithm", algorithm).field("checksumValue", value).endObject();
    }
  }

  /** An external reference such as a purl. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class ExternalRef {
    @JsonProperty("referenceCategory")
    public String category = "";

    @JsonProperty("referenceLocator")
    public String locator = "";

    @JsonProperty("referenceType")
    public String type = "";

    public ExternalRef() {}

    public ExternalRef(String category, String type, String locator) {
      this.category = category;
      this.type = type;
      this.locator = locator;
    }
  }

  /** A relationship between two elements. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class Relationship {
    @JsonProperty("spdxElementId")
    public String element = "";

    @JsonProperty("relationshipType")
    public String type = "";

    @JsonProperty("relatedSpdxElement")
    public String related = "";

    public Relationship() {}

    public Relationship(String element, String type, String related) {
      this.element = element;
      this.type = type;
      this.related = related;
    }
  }

  /** {@code externalDocumentRefs} entry. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class ExternalDocumentRef {
    public Checksum checksum = new Checksum();
    public String externalDocumentId = "";
    public String spdxDocument = "";
  }

  /** {@code hasExtractedLicensingInfos} entry. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static final class LicensingInfo {
    public String licenseId = "";
    public String extractedText = "";
  }
}
