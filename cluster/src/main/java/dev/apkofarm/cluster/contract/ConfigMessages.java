package dev.apkofarm.cluster.contract;

import dev.apkofarm.core.config.Accounts;
import dev.apkofarm.core.config.AdditionalCertificate;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.BaseImage;
import dev.apkofarm.core.config.Certificates;
import dev.apkofarm.core.config.Entrypoint;
import dev.apkofarm.core.config.Group;
import dev.apkofarm.core.config.ImageConfig;
import dev.apkofarm.core.config.ImageContents;
import dev.apkofarm.core.config.LayerFormat;
import dev.apkofarm.core.config.Layering;
import dev.apkofarm.core.config.PathMutation;
import dev.apkofarm.core.config.RuntimeKey;
import dev.apkofarm.core.config.User;
import dev.apkofarm.proto.v1.KeyValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An apko config as a typed message and back, field for field. Lossless: a config that crossed the wire describes the
 * same image (its {@code /etc/apko.json}, and so its build key, is identical), which {@code ConfigMessagesTest}
 * checks on every example config we have. Maps keep the order written, as the YAML does.
 */
final class ConfigMessages {
  private ConfigMessages() {}

  static dev.apkofarm.proto.v1.ImageConfig toMessage(ImageConfig c) {
    var b = dev.apkofarm.proto.v1.ImageConfig.newBuilder()
        .setContents(contents(c.contents()))
        .setEntrypoint(entrypoint(c.entrypoint()))
        .setAccounts(accounts(c.accounts()))
        .addAllEnvironment(pairs(c.environment()))
        .addAllAnnotations(pairs(c.annotations()))
        .addAllVolumes(c.volumes());
    c.cmd().ifPresent(b::setCmd);
    c.stopSignal().ifPresent(b::setStopSignal);
    c.workDir().ifPresent(b::setWorkDir);
    c.archs().forEach(a -> b.addArchs(a.ociName()));
    c.paths().forEach(p -> b.addPaths(path(p)));
    c.vcsUrl().ifPresent(b::setVcsUrl);
    c.include().ifPresent(b::setInclude);
    c.layering().ifPresent(l -> {
      var lb = dev.apkofarm.proto.v1.Layering.newBuilder().setBudget(l.budget());
      l.strategy().ifPresent(lb::setStrategy);
      b.setLayering(lb);
    });
    c.format().ifPresent(f -> b.setFormat(f.yamlName()));
    c.certificates().ifPresent(x -> {
      var cb = dev.apkofarm.proto.v1.Certificates.newBuilder().addAllProviders(x.providers());
      x.additional().forEach(a -> cb.addAdditional(
          dev.apkofarm.proto.v1.AdditionalCertificate.newBuilder().setName(a.name()).setContent(a.content())));
      b.setCertificates(cb);
    });
    return b.build();
  }

  /**
   * The config a message describes.
   *
   * @throws IllegalArgumentException naming the field when the message breaks a rule of the config model
   */
  static ImageConfig fromMessage(dev.apkofarm.proto.v1.ImageConfig m) {
    List<Arch> archs = new ArrayList<>();
    for (String a : m.getArchsList()) {
      archs.add(Arch.parse(a).orElseThrow(() -> new IllegalArgumentException("config.archs: unknown arch " + a)));
    }
    List<PathMutation> paths = new ArrayList<>();
    for (var p : m.getPathsList()) {
      paths.add(path(p));
    }
    return ImageConfig.builder()
        .contents(contents(m.getContents()))
        .entrypoint(entrypoint(m.getEntrypoint()))
        .cmd(m.hasCmd() ? Optional.of(m.getCmd()) : Optional.empty())
        .stopSignal(m.hasStopSignal() ? Optional.of(m.getStopSignal()) : Optional.empty())
        .workDir(m.hasWorkDir() ? Optional.of(m.getWorkDir()) : Optional.empty())
        .accounts(accounts(m.getAccounts()))
        .archs(archs)
        .environment(map(m.getEnvironmentList()))
        .paths(paths)
        .vcsUrl(m.hasVcsUrl() ? Optional.of(m.getVcsUrl()) : Optional.empty())
        .annotations(map(m.getAnnotationsList()))
        .include(m.hasInclude() ? Optional.of(m.getInclude()) : Optional.empty())
        .volumes(m.getVolumesList())
        .layering(m.hasLayering()
            ? Optional.of(new Layering(m.getLayering().hasStrategy() ? Optional.of(m.getLayering().getStrategy())
                : Optional.empty(), m.getLayering().getBudget()))
            : Optional.empty())
        .format(m.hasFormat() ? Optional.of(LayerFormat.parse(m.getFormat()).orElseThrow(
            () -> new IllegalArgumentException("config.format: unknown format " + m.getFormat()))) : Optional.empty())
        .certificates(m.hasCertificates() ? Optional.of(certificates(m.getCertificates())) : Optional.empty())
        .build();
  }

  private static dev.apkofarm.proto.v1.Contents contents(ImageContents c) {
    var b = dev.apkofarm.proto.v1.Contents.newBuilder()
        .addAllBuildRepositories(c.buildRepositories())
        .addAllRuntimeRepositories(c.runtimeRepositories())
        .addAllRepositories(c.repositories())
        .addAllKeyring(c.keyring())
        .addAllPackages(c.packages());
    c.runtimeKeyring().forEach(k -> b.addRuntimeKeyring(
        dev.apkofarm.proto.v1.RuntimeKey.newBuilder().setName(k.name()).setContent(k.content())));
    c.baseImage().ifPresent(i -> b.setBaseImage(
        dev.apkofarm.proto.v1.BaseImage.newBuilder().setImage(i.image()).setApkindex(i.apkindex())));
    return b.build();
  }

  private static ImageContents contents(dev.apkofarm.proto.v1.Contents m) {
    List<RuntimeKey> runtimeKeys = new ArrayList<>();
    m.getRuntimeKeyringList().forEach(k -> runtimeKeys.add(new RuntimeKey(k.getName(), k.getContent())));
    return new ImageContents(m.getBuildRepositoriesList(), m.getRuntimeRepositoriesList(), m.getRepositoriesList(),
        m.getKeyringList(), runtimeKeys, m.getPackagesList(),
        m.hasBaseImage()
            ? Optional.of(new BaseImage(m.getBaseImage().getImage(), m.getBaseImage().getApkindex()))
            : Optional.empty());
  }

  private static dev.apkofarm.proto.v1.Entrypoint entrypoint(Entrypoint e) {
    var b = dev.apkofarm.proto.v1.Entrypoint.newBuilder().addAllServices(pairs(e.services()));
    e.type().ifPresent(b::setType);
    e.command().ifPresent(b::setCommand);
    e.shellFragment().ifPresent(b::setShellFragment);
    return b.build();
  }

  private static Entrypoint entrypoint(dev.apkofarm.proto.v1.Entrypoint m) {
    return new Entrypoint(m.hasType() ? Optional.of(m.getType()) : Optional.empty(),
        m.hasCommand() ? Optional.of(m.getCommand()) : Optional.empty(),
        m.hasShellFragment() ? Optional.of(m.getShellFragment()) : Optional.empty(),
        map(m.getServicesList()));
  }

  private static dev.apkofarm.proto.v1.Accounts accounts(Accounts a) {
    var b = dev.apkofarm.proto.v1.Accounts.newBuilder();
    a.runAs().ifPresent(b::setRunAs);
    for (User u : a.users()) {
      var ub = dev.apkofarm.proto.v1.User.newBuilder().setUsername(u.username()).setUid(u.uid())
          .setHomedir(u.homedir());
      u.gid().ifPresent(ub::setGid);
      u.shell().ifPresent(ub::setShell);
      b.addUsers(ub);
    }
    for (Group g : a.groups()) {
      b.addGroups(dev.apkofarm.proto.v1.Group.newBuilder().setGroupname(g.groupname()).setGid(g.gid())
          .addAllMembers(g.members()));
    }
    return b.build();
  }

  private static Accounts accounts(dev.apkofarm.proto.v1.Accounts m) {
    List<User> users = new ArrayList<>();
    for (var u : m.getUsersList()) {
      users.add(new User(u.getUsername(), u.getUid(), u.hasGid() ? OptionalLong.of(u.getGid()) : OptionalLong.empty(),
          u.hasShell() ? Optional.of(u.getShell()) : Optional.empty(), u.getHomedir()));
    }
    List<Group> groups = new ArrayList<>();
    for (var g : m.getGroupsList()) {
      groups.add(new Group(g.getGroupname(), g.getGid(), g.getMembersList()));
    }
    return new Accounts(m.hasRunAs() ? Optional.of(m.getRunAs()) : Optional.empty(), users, groups);
  }

  private static dev.apkofarm.proto.v1.PathMutation path(PathMutation p) {
    var b = dev.apkofarm.proto.v1.PathMutation.newBuilder().setPath(p.path()).setType(p.type().yamlName())
        .setPermissions(p.permissions()).setRecursive(p.recursive());
    p.uid().ifPresent(b::setUid);
    p.gid().ifPresent(b::setGid);
    p.source().ifPresent(b::setSource);
    return b.build();
  }

  private static PathMutation path(dev.apkofarm.proto.v1.PathMutation m) {
    PathMutation.Type type = PathMutation.Type.parse(m.getType()).orElseThrow(
        () -> new IllegalArgumentException("config.paths: unknown type " + m.getType()));
    return new PathMutation(m.getPath(), type, m.hasUid() ? OptionalLong.of(m.getUid()) : OptionalLong.empty(),
        m.hasGid() ? OptionalLong.of(m.getGid()) : OptionalLong.empty(), m.getPermissions(),
        m.hasSource() ? Optional.of(m.getSource()) : Optional.empty(), m.getRecursive());
  }

  private static Certificates certificates(dev.apkofarm.proto.v1.Certificates m) {
    List<AdditionalCertificate> additional = new ArrayList<>();
    m.getAdditionalList().forEach(a -> additional.add(new AdditionalCertificate(a.getName(), a.getContent())));
    return new Certificates(additional, m.getProvidersList());
  }

  private static List<KeyValue> pairs(Map<String, String> m) {
    List<KeyValue> out = new ArrayList<>(m.size());
    m.forEach((k, v) -> out.add(KeyValue.newBuilder().setKey(k).setValue(v).build()));
    return out;
  }

  private static Map<String, String> map(List<KeyValue> pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (KeyValue kv : pairs) {
      if (out.put(kv.getKey(), kv.getValue()) != null) {
        throw new IllegalArgumentException("duplicate key " + kv.getKey());
      }
    }
    return out;
  }
}
