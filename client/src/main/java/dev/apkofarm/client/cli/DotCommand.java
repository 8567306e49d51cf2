package dev.apkofarm.client.cli;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.apk.resolve.Resolution;
import dev.apkofarm.core.apk.resolve.ResolvedPackage;
import dev.apkofarm.core.config.Arch;
import dev.apkofarm.core.config.LoadedConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code apko-client dot}: the resolved package graph of a config as Graphviz DOT (or a PNG through {@code dot}). */
@Command(
    name = "dot",
    mixinStandardHelpOptions = true,
    description = {
      "Print the packages a config resolves to as a Graphviz digraph: the config points at each package it asks"
          + " for, each package at its dependencies, a provided name (box) at its provider. One arch: the first.",
      "Render it with e.g. 'apko-client dot apko.yaml | dot -Tsvg > graph.svg', or give --png FILE when Graphviz's"
          + " dot is installed."
    })
final class DotCommand extends ClientCommand {
  @Mixin ConfigOptions configs;

  @Mixin RepositoryOptions repositories;

  @Option(names = {"-S", "--spanning-tree"}, description = "Draw each dependency and provider edge once (a rough"
      + " spanning tree), for large graphs.")
  boolean spanningTree;

  @Option(names = "--png", paramLabel = "FILE", description = "Write a PNG rendered by Graphviz's dot instead.")
  Path png;

  @Override
  public Integer call() throws BadInputException, IOException {
    Path workDir = root.workDir();
    LoadedConfig loaded = configs.load(workDir, err());
    List<Arch> archs = repositories.archs(loaded);
    Arch arch = archs.get(0);
    Map<Arch, Resolution> resolved =
        repositories.locker(workDir).resolve(repositories.request(loaded, configs.base(workDir, loaded, archs, err())));
    List<ResolvedPackage> packages = resolved.get(arch).packages();
    String graph = PackageGraph.dot(configs.config, loaded.config().contents().packages(), packages, spanningTree);
    if (png != null) {
      Path out = root.resolve(png);
      Graphviz.png(graph, out);
      err().println("wrote " + out + " (" + arch + ", " + packages.size() + " packages)");
    } else {
      out().print(graph);
      out().flush();
    }
    return 0;
  }
}
