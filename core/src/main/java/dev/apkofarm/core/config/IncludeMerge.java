package dev.apkofarm.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * apko's {@code include} merge: the included file (the base) goes under the including one (the target). A target
 * value wins; scalars and whole sections ({@code entrypoint}, {@code layering}, {@code certificates}, {@code
 * baseimage}, {@code archs}) come from the base only where the target has none; {@code environment} and {@code
 * annotations} gain the base's keys they lack; lists are concatenated, base first. Like apko, {@code vcs-url} is not
 * taken from the base and {@code include} stays the target's.
 */
final class IncludeMerge {
  private IncludeMerge() {}

  static ImageConfig merge(ImageConfig base, ImageConfig target) {
    ImageConfig.Builder b = target.toBuilder();
    if (target.entrypoint().isEmpty()) {
      b.entrypoint(base.entrypoint());
    }
    b.cmd(or(target.cmd(), base.cmd()));
    b.stopSignal(or(target.stopSignal(), base.stopSignal()));
    b.workDir(or(target.workDir(), base.workDir()));
    b.layering(or(target.layering(), base.layering()));
    b.format(or(target.format(), base.format()));
    b.certificates(or(target.certificates(), base.certificates()));
    if (target.archs().isEmpty()) {
      b.archs(base.archs());
    }
    Accounts ta = target.accounts();
    Accounts ba = base.accounts();
    b.accounts(new Accounts(or(ta.runAs(), ba.runAs()), concat(ba.users(), ta.users()), concat(ba.groups(), ta.groups())));
    b.environment(addMissing(target.environment(), base.environment()));
    b.paths(concat(base.paths(), target.paths()));
    b.annotations(addMissing(target.annotations(), base.annotations()));
    b.volumes(concat(base.volumes(), target.volumes()));
    ImageContents tc = target.contents();
    ImageContents bc = base.contents();
    b.contents(
        new ImageContents(
            concat(bc.buildRepositories(), tc.buildRepositories()),
            concat(bc.runtimeRepositories(), tc.runtimeRepositories()),
            concat(bc.repositories(), tc.repositories()),
            concat(bc.keyring(), tc.keyring()),
            concat(bc.runtimeKeyring(), tc.runtimeKeyring()),
            concat(bc.packages(), tc.packages()),
            or(tc.baseImage(), bc.baseImage())));
    return b.buildUnchecked();
  }

  private static <T> Optional<T> or(Optional<T> target, Optional<T> base) {
    return target.isPresent() ? target : base;
  }

  private static <T> List<T> concat(List<T> base, List<T> target) {
    List<T> out = new ArrayList<>(base);
    out.addAll(target);
    return out;
  }

  private static Map<String, String> addMissing(Map<String, String> target, Map<String, String> base) {
    Map<String, String> out = new LinkedHashMap<>(target);
    base.forEach(out::putIfAbsent);
    return out;
  }
}
