package dev.apkofarm.core.sbom;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads packages' own SBOMs as Go does: a JSON null leaves a field at its zero value (the Java defaults, {@code ""}
 * and empty lists), null list elements are dropped, unknown fields are ignored and names match in any case.
 *
 * <p>Jackson databind ({@link Lenient#JSON}) defines the result. Setting it up and building its deserializers for
 * these classes cost a golden build about 0.1 s of CPU, more than the build itself, so the common shape is read here
 * with jackson-core's streaming parser first: every field spelled exactly as SPDX does, strings where strings go,
 * booleans where booleans go, arrays and objects where those go, nulls anywhere. Anything else (another case, a
 * number for a string, malformed JSON, no object at all) goes to databind, whose answer, value or error, is the
 * answer. {@code SpdxReaderTest} checks both give the same documents.
 */
final class SpdxReader {
  private static final JsonFactory FACTORY = new JsonFactory();

  private SpdxReader() {}

  /** The document in {@code json}; an IOException when databind cannot read it either. */
  static Spdx.Document read(byte[] json) throws IOException {
    Spdx.Document plain = readPlain(json);
    return plain != null ? plain : Lenient.JSON.readValue(json, Spdx.Document.class);
  }

  /** The document if {@code json} has the plain shape (see the class comment), else null. */
  static Spdx.Document readPlain(byte[] json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      Spdx.Document d = new Spdx.Document();
      readObject(p, DOCUMENT, (name, q) -> {
        switch (name) {
          case "SPDXID": d.id = string(q); return true;
          case "name": d.name = string(q); return true;
          case "spdxVersion": d.version = string(q); return true;
          case "creationInfo": d.creationInfo = object(q, Spdx.CreationInfo::new, SpdxReader::creationInfo); return true;
          case "dataLicense": d.dataLicense = string(q); return true;
          case "documentNamespace": d.namespace = string(q); return true;
          case "documentDescribes": d.documentDescribes = strings(q); return true;
          case "packages": d.packages = objects(q, Spdx.Package::new, SpdxReader::pkg); return true;
          case "relationships": d.relationships = objects(q, Spdx.Relationship::new, SpdxReader::relationship);
            return true;
          case "externalDocumentRefs":
            d.externalDocumentRefs = objects(q, Spdx.ExternalDocumentRef::new, SpdxReader::externalDocumentRef);
            return true;
          case "hasExtractedLicensingInfos":
            d.licensingInfos = objects(q, Spdx.LicensingInfo::new, SpdxReader::licensingInfo);
            return true;
          default: return false;
        }
      });
      return d;
    } catch (IOException | NotPlain e) {
      return null;
    }
  }

  /** Databind, set up as Go reads: only built when a document is not plain. */
  static final class Lenient {
    static final ObjectMapper JSON =
        JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .defaultSetterInfo(JsonSetter.Value.construct(Nulls.SKIP, Nulls.SKIP))
            .build();

    private Lenient() {}
  }

  // Each class's property names, lower case: a name that matches one only in another case is databind's to read.
  private static final Set<String> DOCUMENT = Set.of("spdxid", "name", "spdxversion", "creationinfo", "datalicense",
      "documentnamespace", "documentdescribes", "packages", "relationships", "externaldocumentrefs",
      "hasextractedlicensinginfos");
  private static final Set<String> CREATION_INFO = Set.of("created", "creators", "licenselistversion");
  private static final Set<String> PACKAGE = Set.of("spdxid", "name", "versioninfo", "filesanalyzed",
      "licenseconcluded", "licensedeclared", "description", "downloadlocation", "originator", "supplier",
      "sourceinfo", "copyrighttext", "attributiontext", "primarypackagepurpose", "checksums", "externalrefs",
      "packageverificationcode");
  private static final Set<String> VERIFICATION_CODE = Set.of("packageverificationcodevalue");
  private static final Set<String> CHECKSUM = Set.of("algorithm", "checksumvalue");
  private static final Set<String> EXTERNAL_REF = Set.of("referencecategory", "referencelocator", "referencetype");
  private static final Set<String> RELATIONSHIP = Set.of("spdxelementid", "relationshiptype", "relatedspdxelement");
  private static final Set<String> EXTERNAL_DOCUMENT_REF = Set.of("checksum", "externaldocumentid", "spdxdocument");
  private static final Set<String> LICENSING_INFO = Set.of("licenseid", "extractedtext");

  private static void creationInfo(JsonParser p, Spdx.CreationInfo c) throws IOException {
    readObject(p, CREATION_INFO, (name, q) -> {
      switch (name) {
        case "created": c.created = string(q); return true;
        case "creators": c.creators = strings(q); return true;
        case "licenseListVersion": c.licenseListVersion = string(q); return true;
        default: return false;
      }
    });
  }

  private static void pkg(JsonParser p, Spdx.Package k) throws IOException {
    readObject(p, PACKAGE, (name, q) -> {
      switch (name) {
        case "SPDXID": k.id = string(q); return true;
        case "name": k.name = string(q); return true;
        case "versionInfo": k.version = string(q); return true;
        case "filesAnalyzed": k.filesAnalyzed = bool(q); return true;
        case "licenseConcluded": k.licenseConcluded = string(q); return true;
        case "licenseDeclared": k.licenseDeclared = string(q); return true;
        case "description": k.description = string(q); return true;
        case "downloadLocation": k.downloadLocation = string(q); return true;
        case "originator": k.originator = string(q); return true;
        case "supplier": k.supplier = string(q); return true;
        case "sourceInfo": k.sourceInfo = string(q); return true;
        case "copyrightText": k.copyrightText = string(q); return true;
        case "attributionText": k.attributionText = string(q); return true;
        case "primaryPackagePurpose": k.primaryPurpose = string(q); return true;
        case "checksums": k.checksums = objects(q, Spdx.Checksum::new, SpdxReader::checksum); return true;
        case "externalRefs": k.externalRefs = objects(q, Spdx.ExternalRef::new, SpdxReader::externalRef); return true;
        case "packageVerificationCode":
          k.verificationCode = object(q, Spdx.VerificationCode::new, (r, v) -> readObject(r, VERIFICATION_CODE,
              (n, s) -> {
                if (n.equals("packageVerificationCodeValue")) {
                  v.value = string(s);
                  return true;
                }
                return false;
              }));
          return true;
        default: return false;
      }
    });
  }

  private static void checksum(JsonParser p, Spdx.Checksum c) throws IOException {
    readObject(p, CHECKSUM, (name, q) -> {
      switch (name) {
        case "algorithm": c.algorithm = string(q); return true;
        case "checksumValue": c.value = string(q); return true;
        default: return false;
      }
    });
  }

  private static void externalRef(JsonParser p, Spdx.ExternalRef r) throws IOException {
    readObject(p, EXTERNAL_REF, (name, q) -> {
      switch (name) {
        case "referenceCategory": r.category = string(q); return true;
        case "referenceLocator": r.locator = string(q); return true;
        case "referenceType": r.type = string(q); return true;
        default: return false;
      }
    });
  }

  private static void relationship(JsonParser p, Spdx.Relationship r) throws IOException {
    readObject(p, RELATIONSHIP, (name, q) -> {
      switch (name) {
        case "spdxElementId": r.element = string(q); return true;
        case "relationshipType": r.type = string(q); return true;
        case "relatedSpdxElement": r.related = string(q); return true;
        default: return false;
      }
    });
  }

  private static void externalDocumentRef(JsonParser p, Spdx.ExternalDocumentRef r) throws IOException {
    readObject(p, EXTERNAL_DOCUMENT_REF, (name, q) -> {
      switch (name) {
        case "checksum": r.checksum = object(q, Spdx.Checksum::new, SpdxReader::checksum); return true;
        case "externalDocumentId": r.externalDocumentId = string(q); return true;
        case "spdxDocument": r.spdxDocument = string(q); return true;
        default: return false;
      }
    });
  }

  private static void licensingInfo(JsonParser p, Spdx.LicensingInfo l) throws IOException {
    readObject(p, LICENSING_INFO, (name, q) -> {
      switch (name) {
        case "licenseId": l.licenseId = string(q); return true;
        case "extractedText": l.extractedText = string(q); return true;
        default: return false;
      }
    });
  }

  /** Sets the field {@code name} from the parser's current value; false if the class has no such property. */
  private interface Fields {
    boolean set(String name, JsonParser p) throws IOException;
  }

  /** Reads the parser's current value into a new instance. */
  private interface Reader<T> {
    void read(JsonParser p, T into) throws IOException;
  }

  /** The object starting at the current token: nulls skipped, unknown names (in no case known) skipped whole. */
  private static void readObject(JsonParser p, Set<String> known, Fields fields) throws IOException {
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      expect(t, JsonToken.FIELD_NAME);
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (value == null) {
        throw new NotPlain();
      }
      if (value == JsonToken.VALUE_NULL) {
        continue; // Nulls.SKIP: databind checks nothing else about a null
      }
      if (!fields.set(name, p)) {
        if (!isAscii(name) || known.contains(name.toLowerCase(Locale.ROOT))) {
          throw new NotPlain(); // a property in another case (or a name whose case folding databind may see otherwise)
        }
        p.skipChildren();
      }
    }
  }

  private static <T> T object(JsonParser p, Supplier<T> make, Reader<T> reader) throws IOException {
    expect(p.currentToken(), JsonToken.START_OBJECT);
    T t = make.get();
    reader.read(p, t);
    return t;
  }

  private static <T> List<T> objects(JsonParser p, Supplier<T> make, Reader<T> reader) throws IOException {
    expect(p.currentToken(), JsonToken.START_ARRAY);
    List<T> list = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.VALUE_NULL) {
        list.add(object(p, make, reader));
      }
    }
    return list;
  }

  private static List<String> strings(JsonParser p) throws IOException {
    expect(p.currentToken(), JsonToken.START_ARRAY);
    List<String> list = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.VALUE_NULL) {
        expect(t, JsonToken.VALUE_STRING);
        list.add(p.getText());
      }
    }
    return list;
  }

  private static String string(JsonParser p) throws IOException {
    expect(p.currentToken(), JsonToken.VALUE_STRING);
    return p.getText();
  }

  private static boolean bool(JsonParser p) {
    JsonToken t = p.currentToken();
    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
      throw new NotPlain();
    }
    return t == JsonToken.VALUE_TRUE;
  }

  private static void expect(JsonToken actual, JsonToken expected) {
    if (actual != expected) {
      throw new NotPlain();
    }
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** Not the plain shape: databind decides. */
  private static final class NotPlain extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotPlain() {
      super(null, null, false, false);
    }
  }
}
