package dev.apkofarm.core.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streaming reader gives databind's document, or leaves the document to databind. */
class SpdxReaderTest {
  /** Documents the streaming reader reads itself ({@code '} stands for {@code "}). */
  private static final List<String> PLAIN = List.of(
      "{}",
      "{'SPDXID':'SPDXRef-DOCUMENT','name':'n','spdxVersion':'SPDX-2.3','dataLicense':'CC0-1.0',"
          + "'documentNamespace':'https://x/y','documentDescribes':['a',null,'b']}",
      // Nulls leave the defaults; null list elements are dropped.
      "{'name':null,'creationInfo':null,'packages':null,'documentDescribes':[null]}",
      "{'creationInfo':{'created':'2023-01-01T00:00:00Z','creators':['Tool: x',null],'licenseListVersion':'3.22'}}",
      "{'creationInfo':{}}",
      "{'packages':[null,{'SPDXID':'p','name':'x','versionInfo':'1','filesAnalyzed':true,'licenseConcluded':'MIT',"
          + "'licenseDeclared':'MIT','description':'d','downloadLocation':'NOASSERTION','originator':'o',"
          + "'supplier':'s','sourceInfo':'si','copyrightText':'c','attributionText':'a',"
          + "'primaryPackagePurpose':'APPLICATION','checksums':[{'algorithm':'SHA1','checksumValue':'ab'},null],"
          + "'externalRefs':[{'referenceCategory':'PACKAGE-MANAGER','referenceLocator':'pkg:apk/x',"
          + "'referenceType':'purl'}],'packageVerificationCode':{'packageVerificationCodeValue':'v'}}]}",
      "{'packages':[{'filesAnalyzed':false,'packageVerificationCode':{}}]}",
      "{'packages':[{'packageVerificationCode':null}]}",
      "{'relationships':[{'spdxElementId':'SPDXRef-DOCUMENT','relationshipType':'DESCRIBES',"
          + "'relatedSpdxElement':'p'},null,{}]}",
      "{'externalDocumentRefs':[{'checksum':{'algorithm':'SHA256','checksumValue':'cd'},'externalDocumentId':'e',"
          + "'spdxDocument':'s'},{'checksum':null}],'hasExtractedLicensingInfos':[{'licenseId':'L',"
          + "'extractedText':'t'}]}",
      // Unknown names are skipped whole, whatever they hold.
      "{'files':[{'a':[1,2,{'b':null}]}],'comment':'x','annotations':{'k':true},'name':'n','extra':1.5e3}",
      "{'packages':[{'name':'x','hasFiles':['f'],'unknownObject':{'SPDXID':1}}]}",
      // Repeated names: the last wins, as in databind.
      "{'name':'a','name':'b','packages':[{'name':'x'}],'packages':[{'name':'y'}]}",
      "{'name':'a','name':null}",
      // Escapes and non-ASCII text.
      "{'name':'\\u00e9\\n\\'q\\' \u2603','packages':[{'name':'\\ud83d\\ude00'}]}",
      // Anything after the document is not read, by either.
      "{'name':'a'} trailing");

  /** Documents left to databind: its value or its error is the answer. */
  private static final List<String> NOT_PLAIN = List.of(
      "",
      "   ",
      "null",
      "[]",
      "'text'",
      "42",
      "{'name':",
      "{'name':'a',}",
      "{'name':'a'",
      "{name:'a'}",
      // Names in another case.
      "{'spdxid':'x','NAME':'n'}",
      "{'packages':[{'Name':'x','VERSIONINFO':'1'}]}",
      "{'relationships':[{'spdxelementid':'a'}]}",
      // Scalars where databind coerces or fails.
      "{'name':1}",
      "{'name':true}",
      "{'name':1.5}",
      "{'name':['a']}",
      "{'name':{}}",
      "{'packages':[{'filesAnalyzed':'true'}]}",
      "{'packages':[{'filesAnalyzed':1}]}",
      "{'packages':[{'filesAnalyzed':0}]}",
      "{'packages':[{'filesAnalyzed':''}]}",
      "{'packages':{}}",
      "{'packages':'x'}",
      "{'packages':['x']}",
      "{'packages':[[]]}",
      "{'documentDescribes':'a'}",
      "{'documentDescribes':[1,'a']}",
      "{'documentDescribes':[[]]}",
      "{'creationInfo':'x'}",
      "{'creationInfo':[]}",
      "{'creationInfo':''}",
      "{'packages':[{'packageVerificationCode':''}]}",
      "{'externalDocumentRefs':[{'checksum':'x'}]}",
      // A non-ASCII name, which no property has: databind decides how it folds.
      "{'n\u0430me':'x'}");

  @Test
  void plainDocumentsReadAsDatabindReadsThem() throws IOException {
    for (String doc : PLAIN) {
      byte[] json = json(doc);
      Spdx.Document plain = SpdxReader.readPlain(json);
      assertThat(plain).as(doc).isNotNull();
      assertThat(new String(plain.toJson(), StandardCharsets.UTF_8))
          .as(doc)
          .isEqualTo(new String(databind(json).toJson(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void otherDocumentsAreDatabinds() {
    for (String doc : NOT_PLAIN) {
      byte[] json = json(doc);
      assertThat(SpdxReader.readPlain(json)).as(doc).isNull();
      String viaReader = outcome(() -> SpdxReader.read(json));
      assertThat(viaReader).as(doc).isEqualTo(outcome(() -> databind(json)));
    }
  }

  @Test
  void aMelangeSbomIsPlain() throws IOException {
    byte[] json;
    try (InputStream in = SpdxReaderTest.class.getResourceAsStream("melange-replayout.spdx.json")) {
      json = in.readAllBytes();
    }
    Spdx.Document plain = SpdxReader.readPlain(json);
    assertThat(plain).isNotNull();
    assertThat(plain.packages).extracting(p -> p.name).containsExactly("unknown", "replayout", "replayout.melange.yaml");
    assertThat(plain.toJson()).isEqualTo(databind(json).toJson());
  }

  private static byte[] json(String doc) {
    return doc.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }

  private static Spdx.Document databind(byte[] json) throws IOException {
    return SpdxReader.Lenient.JSON.readValue(json, Spdx.Document.class);
  }

  private interface Read {
    Spdx.Document read() throws IOException;
  }

  /** The document's JSON, "null", or the error's class and message. */
  private static String outcome(Read read) {
    try {
      Spdx.Document d = read.read();
      return d == null ? "null" : new String(d.toJson(), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }
}
