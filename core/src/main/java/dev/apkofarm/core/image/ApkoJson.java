package dev.apkofarm.core.image;

import dev.apkofarm.core.CodePointOrder;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.Certificates;
import dev.apkofarm.core.config.Entrypoint;
import dev.apkofarm.core.config.Group;
import dev.apkofarm.core.config.ImageConfig;
import dev.apkofarm.core.config.ImageContents;
import dev.apkofarm.core.config.PathMutation;
import dev.apkofarm.core.config.RuntimeKey;
import dev.apkofarm.core.config.User;
import dev.apkofarm.core.oci.json.GoJsonWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /etc/apko.json}: the locked per-arch configuration as apko's {@code json.Encoder} writes its {@code
 * ImageConfiguration}: struct members ({@code contents}, {@code entrypoint}, {@code accounts}) always present,
 * everything else {@code omitempty}, maps sorted, pointer fields ({@code gid}, {@code uid}, {@code layering}, {@code
 * certificates}) present whenever set, followed by a newline. Its bytes are part of the layer.
 */
public final class ApkoJson {
  private ApkoJson() {}

  /** The JSON of {@code config} (already locked: one arch, exact package versions). */
  public static byte[] of(ImageConfig config) {
    GoJsonWriter w = GoJsonWriter.compact();
    w.beginObject();
    contents(w.name("contents"), config.contents());
    entrypoint(w.name("entrypoint"), config.entrypoint());
    config.cmd().ifPresent(c -> w.fieldOmitEmpty("cmd", c));
    config.stopSignal().ifPresent(s -> w.fieldOmitEmpty("stop-signal", s));
    config.workDir().ifPresent(d -> w.fieldOmitEmpty("work-dir", d));
    accounts(w.name("accounts"), config.accounts());
    if (!config.archs().isEmpty()) {
      w.field("archs", config.archs().stream().map(Arch::ociName).toList());
    }
    map(w, "environment", config.environment());
    if (!config.paths().isEmpty()) {
      w.name("paths").beginArray();
      config.paths().forEach(p -> path(w, p));
      w.endArray();
    }
    config.vcsUrl().ifPresent(v -> w.fieldOmitEmpty("vcs-url", v));
    map(w, "annotations", config.annotations());
    config.include().ifPresent(i -> w.fieldOmitEmpty("include", i));
    list(w, "volumes", config.volumes());
    config.layering().ifPresent(l -> {
      w.name("layering").beginObject();
      l.strategy().ifPresent(s -> w.fieldOmitEmpty("strategy", s));
      if (l.budget() != 0) {
        w.field("budget", l.budget());
      }
      w.endObject();
    });
    config.format().ifPresent(f -> w.field("format", f.yamlName()));
    config.certificates().ifPresent(c -> certificates(w.name("certificates"), c));
    w.endObject();
    return w.toEncoderBytes();
  }

  private static void contents(GoJsonWriter w, ImageContents c) {
    w.beginObject();
    list(w, "build_repositories", c.buildRepositories());
    list(w, "runtime_repositories", c.runtimeRepositories());
    list(w, "repositories", c.repositories());
    list(w, "keyring", c.keyring());
    if (!c.runtimeKeyring().isEmpty()) {
      w.name("runtime_keyring").beginArray();
      for (RuntimeKey k : c.runtimeKeyring()) {
        w.beginObject().fieldOmitEmpty("name", k.name()).fieldOmitEmpty("content", k.content()).endObject();
      }
      w.endArray();
    }
    list(w, "packages", c.packages());
    c.baseImage().ifPresent(b -> {
      w.name("baseimage").beginObject();
      w.fieldOmitEmpty("image", b.image());
      w.fieldOmitEmpty("apkindex", b.apkindex());
      w.endObject();
    });
    w.endObject();
  }

  private static void entrypoint(GoJsonWriter w, Entrypoint e) {
    w.beginObject();
    e.type().ifPresent(t -> w.fieldOmitEmpty("type", t));
    e.command().ifPresent(c -> w.fieldOmitEmpty("command", c));
    e.shellFragment().ifPresent(s -> w.fieldOmitEmpty("shell-fragment", s));
    map(w, "services", e.services());
    w.endObject();
  }

  private static void accounts(GoJsonWriter w, dev.apkofarm.core.config.Accounts a) {
    w.beginObject();
    a.runAs().ifPresent(r -> w.fieldOmitEmpty("run-as", r));
    if (!a.users().isEmpty()) {
      w.name("users").beginArray();
      for (User u : a.users()) {
        w.beginObject();
        w.fieldOmitEmpty("username", u.username());
        if (u.uid() != 0) {
          w.field("uid", u.uid());
        }
        u.gid().ifPresent(g -> w.field("gid", g));
        u.shell().ifPresent(s -> w.fieldOmitEmpty("shell", s));
        w.fieldOmitEmpty("homedir", u.homedir());
        w.endObject();
      }
      w.endArray();
    }
    if (!a.groups().isEmpty()) {
      w.name("groups").beginArray();
      for (Group g : a.groups()) {
        w.beginObject();
        w.fieldOmitEmpty("groupname", g.groupname());
        if (g.gid() != 0) {
          w.field("gid", g.gid());
        }
        list(w, "members", g.members());
        w.endObject();
      }
      w.endArray();
    }
    w.endObject();
  }

  private static void path(GoJsonWriter w, PathMutation p) {
    w.beginObject();
    w.fieldOmitEmpty("path", p.path());
    w.fieldOmitEmpty("type", p.type().yamlName());
    p.uid().ifPresent(u -> w.field("uid", u));
    p.gid().ifPresent(g -> w.field("gid", g));
    if (p.permissions() != 0) {
      w.field("permissions", p.permissions());
    }
    p.source().ifPresent(s -> w.fieldOmitEmpty("source", s));
    if (p.recursive()) {
      w.field("recursive", true);
    }
    w.endObject();
  }

  private static void certificates(GoJsonWriter w, Certificates c) {
    w.beginObject();
    if (!c.additional().isEmpty()) {
      w.name("additional").beginArray();
      c.additional()
          .forEach(a -> w.beginObject().fieldOmitEmpty("name", a.name()).fieldOmitEmpty("content", a.content())
              .endObject());
      w.endArray();
    }
    list(w, "providers", c.providers());
    w.endObject();
  }

  private static void list(GoJsonWriter w, String name, List<String> values) {
    if (!values.isEmpty()) {
      w.field(name, values);
    }
  }

  private static void map(GoJsonWriter w, String name, Map<String, String> m) {
    if (m.isEmpty()) {
      return;
    }
    TreeMap<String, String> sorted = new TreeMap<>(CodePointOrder.INSTANCE);
    sorted.putAll(m);
    w.name(name).beginObject();
    sorted.forEach(w::field);
    w.endObject();
  }

}
