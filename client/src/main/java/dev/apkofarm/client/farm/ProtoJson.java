package dev.apkofarm.client.farm;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.apkofarm.proto.v1.FileEntry;
import dev.apkofarm.proto.v1.Int64Entry;
import dev.apkofarm.proto.v1.StringEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Protobuf's JSON mapping of the farm's messages as {@code status --json} and {@code --json} progress have always
 * printed them. The protos declare their maps as repeated entry messages (see {@code StringEntry} in common.proto:
 * a generated map field builds descriptors at start-up), which the JSON mapping would print as arrays of
 * {@code {"key": ..., "value": ...}}. Here the message's bytes are read back as a message of the same schema with
 * each entry list declared a map again (a map's wire encoding is that of its entries, in the same order), so
 * {@link JsonFormat} prints the object it printed before, byte for byte. JSON output builds descriptors anyway (the
 * printer works by reflection), so this costs a short run nothing it did not already pay.
 */
public final class ProtoJson {
  private static final JsonFormat.Printer PRETTY = JsonFormat.printer();
  private static final JsonFormat.Printer COMPACT = JsonFormat.printer().omittingInsignificantWhitespace();

  private ProtoJson() {}

  /** Indented, as {@code JsonFormat.printer().print}. */
  public static String print(Message m) throws InvalidProtocolBufferException {
    return PRETTY.print(withMaps(m));
  }

  /** On one line, as {@code JsonFormat.printer().omittingInsignificantWhitespace().print}. */
  public static String printCompact(Message m) throws InvalidProtocolBufferException {
    return COMPACT.print(withMaps(m));
  }

  /** {@code m} as a message of its schema with the entry lists declared maps. */
  static Message withMaps(Message m) throws InvalidProtocolBufferException {
    Descriptor view = Views.INSTANCE.of(m.getDescriptorForType());
    return DynamicMessage.parseFrom(view, m.toByteString());
  }

  /** The rewritten schema, file by file, built on first use. */
  private static final class Views {
    static final Views INSTANCE = new Views();

    /** Entry message (full name) -> its declaration, the nested map entry's fields. */
    private final Map<String, DescriptorProto> entries = new HashMap<>();
    private final Map<String, FileDescriptor> files = new ConcurrentHashMap<>();

    private Views() {
      for (Descriptor d : List.of(StringEntry.getDescriptor(), FileEntry.getDescriptor(),
          Int64Entry.getDescriptor())) {
        entries.put(d.getFullName(), d.toProto());
      }
    }

    Descriptor of(Descriptor original) {
      if (original.getContainingType() != null) { // our JSON output prints top-level messages only
        throw new IllegalArgumentException("not a top-level message: " + original.getFullName());
      }
      return file(original.getFile()).findMessageTypeByName(original.getName());
    }

    private FileDescriptor file(FileDescriptor original) {
      FileDescriptor done = files.get(original.getName());
      if (done != null) {
        return done;
      }
      List<FileDescriptor> dependencies = new ArrayList<>();
      for (FileDescriptor dep : original.getDependencies()) {
        dependencies.add(file(dep));
      }
      FileDescriptorProto.Builder p = original.toProto().toBuilder();
      for (DescriptorProto.Builder m : p.getMessageTypeBuilderList()) {
        declareMaps(m, "." + p.getPackage() + "." + m.getName());
      }
      try {
        FileDescriptor view = FileDescriptor.buildFrom(p.build(), dependencies.toArray(new FileDescriptor[0]));
        files.putIfAbsent(original.getName(), view);
        return files.get(original.getName());
      } catch (DescriptorValidationException e) {
        throw new IllegalStateException("cannot declare the maps of " + original.getName(), e);
      }
    }

    /** Every repeated field of an entry type becomes a map field, as protoc declares {@code map<K, V>}. */
    private void declareMaps(DescriptorProto.Builder m, String fullName) {
      for (DescriptorProto.Builder nested : m.getNestedTypeBuilderList()) {
        declareMaps(nested, fullName + "." + nested.getName());
      }
      List<DescriptorProto> added = new ArrayList<>();
      for (FieldDescriptorProto.Builder f : m.getFieldBuilderList()) {
        DescriptorProto entry = entries.get(f.getTypeName().startsWith(".") ? f.getTypeName().substring(1) : "");
        if (entry != null && f.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED) {
          String name = camel(f.getName()) + "Entry";
          added.add(entry.toBuilder().setName(name).setOptions(MessageOptions.newBuilder().setMapEntry(true)).build());
          f.setTypeName(fullName + "." + name);
        }
      }
      m.addAllNestedType(added);
    }

    /** protoc's name of a map field's entry type: {@code stage_nanos} -> {@code StageNanos}. */
    private static String camel(String field) {
      StringBuilder sb = new StringBuilder(field.length());
      boolean upper = true;
      for (char c : field.toCharArray()) {
        if (c == '_') {
          upper = true;
        } else {
          sb.append(upper ? Character.toUpperCase(c) : c);
          upper = false;
        }
      }
      return sb.toString();
    }
  }
}
