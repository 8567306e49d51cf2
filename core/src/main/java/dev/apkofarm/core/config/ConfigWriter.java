package dev.apkofarm.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes an {@link ImageConfig} back out in apko's format: field names and order of apko's schema, empty fields left
 * out. The YAML form loads back into an equal config (permissions written {@code 0o755}); {@code include} is left
 * out because its content is already merged in. The JSON form writes permissions as numbers, as apko's JSON does.
 */
public final class ConfigWriter {
  private static final YAMLMapper YAML =
      new YAMLMapper(
          YAMLFactory.builder()
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .build());
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Pattern URL_PASSWORD = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://[^/@:?#]*):[^/@?#]*@");

  private ConfigWriter() {}

  /** The config as YAML. */
  public static String yaml(ImageConfig config) {
    return write(YAML, tree(config, true));
  }

  /** The config as indented JSON. */
  public static String json(ImageConfig config) {
    return write(JSON, tree(config, false));
  }

  /**
   * The config as {@code show-config} prints it: apko's default environment filled in and passwords redacted. Not
   * checked again: the defaults are not settings the user made (a base-image config may set no environment, yet the
   * image it builds has the defaults).
   */
  public static ImageConfig effective(ImageConfig config) {
    ImageConfig redacted = redactPasswords(config);
    return redacted.toBuilder().environment(config.effectiveEnvironment()).buildUnchecked();
  }

  /**
   * A copy whose repository and keyring URLs show {@code xxxxx} in place of a password, as apko's {@code show-config}
   * prints them.
   */
  public static ImageConfig redactPasswords(ImageConfig config) {
    ImageContents c = config.contents();
    return config.toBuilder()
        .contents(
            new ImageContents(
                map(c.buildRepositories(), ConfigWriter::redact),
                map(c.runtimeRepositories(), ConfigWriter::redact),
                map(c.repositories(), ConfigWriter::redact),
                map(c.keyring(), ConfigWriter::redact),
                c.runtimeKeyring(),
                c.packages(),
                c.baseImage()))
        .build();
  }

  // "URL" or "@tag URL"; only a password is hidden, like Go's url.Redacted.
  static String redact(String repository) {
    int space = repository.indexOf(' ');
    String prefix = space < 0 ? "" : repository.substring(0, space + 1);
    String url = repository.substring(prefix.length());
    Matcher m = URL_PASSWORD.matcher(url);
    return m.find() ? prefix + m.group(1) + ":xxxxx@" + url.substring(m.end()) : repository;
  }

  private static String write(ObjectMapper mapper, Object tree) {
    try {
      return mapper.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("plain maps, lists and strings always serialise", e);
    }
  }

  private static Map<String, Object> tree(ImageConfig c, boolean yaml) {
    Fields top = new Fields();
    top.put("contents", contents(c.contents()));
    top.put("entrypoint", entrypoint(c.entrypoint()));
    top.put("cmd", c.cmd());
    top.put("stop-signal", c.stopSignal());
    top.put("work-dir", c.workDir());
    top.put("accounts", accounts(c.accounts()));
    top.put("archs", map(c.archs(), Arch::ociName));
    top.put("environment", c.environment());
    top.put("paths", map(c.paths(), p -> path(p, yaml)));
    top.put("vcs-url", c.vcsUrl());
    top.put("annotations", c.annotations());
    top.put("volumes", c.volumes());
    top.put("layering", c.layering().map(ConfigWriter::layering));
    top.put("format", c.format().map(LayerFormat::yamlName));
    top.put("certificates", c.certificates().map(ConfigWriter::certificates));
    return top.map;
  }

  private static Map<String, Object> contents(ImageContents c) {
    Fields f = new Fields();
    f.put("build_repositories", c.buildRepositories());
    f.put("runtime_repositories", c.runtimeRepositories());
    f.put("repositories", c.repositories());
    f.put("keyring", c.keyring());
    f.put("runtime_keyring", map(c.runtimeKeyring(), k -> nameContent(k.name(), k.content())));
    f.put("packages", c.packages());
    f.put("baseimage", c.baseImage().map(b -> {
      Fields bf = new Fields();
      bf.put("image", b.image());
      bf.put("apkindex", b.apkindex());
      return bf.map;
    }));
    return f.map;
  }

  private static Map<String, Object> entrypoint(Entrypoint e) {
    Fields f = new Fields();
    f.put("type", e.type());
    f.put("command", e.command());
    f.put("shell-fragment", e.shellFragment());
    f.put("services", e.services());
    return f.map;
  }

  private static Map<String, Object> accounts(Accounts a) {
    Fields f = new Fields();
    f.put("run-as", a.runAs());
    f.put("users", map(a.users(), u -> {
      Fields uf = new Fields();
      uf.put("username", u.username());
      uf.put("uid", u.uid());
      if (u.gid().isPresent()) {
        uf.put("gid", u.gid().getAsLong());
      }
      uf.put("shell", u.shell());
      uf.put("homedir", u.homedir());
      return uf.map;
    }));
    f.put("groups", map(a.groups(), g -> {
      Fields gf = new Fields();
      gf.put("groupname", g.groupname());
      gf.put("gid", g.gid());
      gf.put("members", g.members());
      return gf.map;
    }));
    return f.map;
  }

  private static Map<String, Object> path(PathMutation p, boolean yaml) {
    Fields f = new Fields();
    f.put("path", p.path());
    f.put("type", p.type().yamlName());
    if (p.uid().isPresent()) {
      f.put("uid", p.uid().getAsLong());
    }
    if (p.gid().isPresent()) {
      f.put("gid", p.gid().getAsLong());
    }
    if (p.permissions() != 0) {
      // A plain 0o755 reads back as an integer; Jackson leaves it unquoted since it does not look like a number.
      f.put("permissions", yaml ? p.permissionsOctal() : p.permissions());
    }
    f.put("source", p.source());
    if (p.recursive()) {
      f.put("recursive", true);
    }
    return f.map;
  }

  private static Map<String, Object> layering(Layering l) {
    Fields f = new Fields();
    f.put("strategy", l.strategy());
    if (l.budget() != 0) {
      f.put("budget", l.budget());
    }
    return f.map;
  }

  private static Map<String, Object> certificates(Certificates c) {
    Fields f = new Fields();
    f.put("additional", map(c.additional(), a -> nameContent(a.name(), a.content())));
    f.put("providers", c.providers());
    return f.map;
  }

  private static Map<String, Object> nameContent(String name, String content) {
    Fields f = new Fields();
    f.put("name", name);
    f.put("content", content);
    return f.map;
  }

  private static <T, R> List<R> map(List<T> in, Function<T, R> f) {
    List<R> out = new ArrayList<>();
    in.forEach(t -> out.add(f.apply(t)));
    return out;
  }

  /** An ordered mapping that leaves out empty values, like Go's {@code omitempty}. */
  private static final class Fields {
    // Sections apko holds as pointers: present-but-empty differs from absent (it blocks an include's value).
    private static final java.util.Set<String> PRESENCE_MATTERS = java.util.Set.of("layering", "certificates");

    final Map<String, Object> map = new LinkedHashMap<>();

    void put(String key, Object value) {
      Object v = value instanceof Optional<?> o ? o.orElse(null) : value;
      if (v == null
          || (v instanceof String s && s.isEmpty())
          || (v instanceof List<?> l && l.isEmpty())
          || (v instanceof Map<?, ?> m && m.isEmpty() && !PRESENCE_MATTERS.contains(key))) {
        return;
      }
      map.put(key, v);
    }
  }
}
