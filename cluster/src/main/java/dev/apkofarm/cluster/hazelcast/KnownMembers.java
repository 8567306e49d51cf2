package dev.apkofarm.cluster.hazelcast;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import dev.apkofarm.core.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's member addresses, written to a file on every membership change, so that a coordinator killed and
 * started again with its original command line joins the members that survived it (the workers, which hold the
 * farm's state) instead of forming a cluster of its own. A file rather than the workers announcing themselves: the
 * coordinator must be in the cluster before it can read any job, and a worker's announcement could only reach it
 * over a gRPC stream after that.
 */
public final class KnownMembers {
  private static final Logger log = LoggerFactory.getLogger(KnownMembers.class);
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._:\\[\\]-]{1,255}:[0-9]{1,5}");

  private final Path file;

  public KnownMembers(Path file) {
    this.file = file;
  }

  /** The addresses last written, or none (no file yet; a line that is not host:port is skipped). */
  public List<String> read() {
    try {
      List<String> out = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String l = line.trim();
        if (HOST_PORT.matcher(l).matches()) {
          out.add(l);
        }
      }
      return out;
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      log.warn("cannot read the known members in {}: {}", file, e.getMessage());
      return List.of();
    }
  }

  /** {@code configured} followed by the known members not among them. */
  public List<String> plus(List<String> configured) {
    LinkedHashSet<String> all = new LinkedHashSet<>(configured);
    all.addAll(read());
    return List.copyOf(all);
  }

  /** Writes {@code member}'s cluster now and after every membership change. */
  public void follow(HazelcastInstance member) {
    write(Members.addresses(member));
    member.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        write(addresses(e));
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        write(addresses(e));
      }
    });
  }

  private static List<String> addresses(MembershipEvent e) {
    List<String> out = new ArrayList<>();
    e.getMembers().forEach(m -> out.add(m.getAddress().getHost() + ":" + m.getAddress().getPort()));
    return out;
  }

  private synchronized void write(List<String> addresses) {
    try {
      Files.createDirectories(file.getParent());
      try (AtomicFile tmp = AtomicFile.beside(file)) {
        Files.write(tmp.path(), (String.join("\n", addresses) + "\n").getBytes(StandardCharsets.UTF_8));
        tmp.commit(file);
      }
    } catch (IOException e) {
      // A restart would then only find the configured members; the farm runs on meanwhile.
      log.warn("cannot record the cluster's members in {}: {}", file, e.getMessage());
    }
  }
}
