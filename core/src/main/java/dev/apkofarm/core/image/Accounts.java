package dev.apkofarm.core.image;

import dev.apkofarm.core.BadInputException;
import dev.apkofarm.core.InputText;
import dev.apkofarm.core.config.Group;
import dev.apkofarm.core.config.User;
import dev.apkofarm.core.fs.Directory;
import dev.apkofarm.core.fs.ImageTree;
import dev.apkofarm.core.fs.Node;
import dev.apkofarm.core.fs.RegularFile;
import dev.apkofarm.core.fs.TreeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * apko's {@code mutateAccounts}: appends the config's groups to {@code /etc/group} and users to {@code /etc/passwd}
 * (creating them empty if missing; passwd always), gives every user a home directory (0700, owned by the user) unless
 * it exists or is {@code /dev/null}, adds locked {@code /etc/shadow} entries for new users, and resolves {@code
 * run-as} by name to the numeric uid (a name no user has is refused). The config's account fields were checked when
 * it was read (no {@code :}, newline or control character can add a field or a line).
 */
final class Accounts {
  static final String INFO = "Account created by apko";

  private Accounts() {}

  /** Applies the accounts; returns the run-as value with a user name replaced by its uid. */
  static Optional<String> apply(ImageTree tree, dev.apkofarm.core.config.Accounts accounts)
      throws BadInputException, IOException {
    if (!accounts.groups().isEmpty()) {
      RegularFile file = tree.openOrCreate("etc/group", 0644);
      StringBuilder out = new StringBuilder();
      for (String l : AccountFiles.lines(file.content().readAllBytes())) {
        out.append(parse(() -> AccountFiles.parseGroup(l), "/etc/group").line());
      }
      for (Group g : accounts.groups()) {
        out.append(new AccountFiles.GroupEntry(g.groupname(), "x", g.gid(), String.join(",", g.members())).line());
      }
      tree.writeFile("etc/group", out.toString().getBytes(StandardCharsets.UTF_8), 0644);
    }

    RegularFile passwd = tree.openOrCreate("etc/passwd", 0644);
    List<AccountFiles.UserEntry> users = new ArrayList<>();
    for (String l : AccountFiles.lines(passwd.content().readAllBytes())) {
      users.add(parse(() -> AccountFiles.parseUser(l), "/etc/passwd"));
    }
    for (User u : accounts.users()) {
      users.add(
          new AccountFiles.UserEntry(
              u.username(), "x", u.uid(), u.gid().orElse(u.uid()), INFO, u.homedir(), u.shell().orElse("/bin/sh")));
    }
    for (AccountFiles.UserEntry u : users) {
      makeHome(tree, u);
    }
    StringBuilder out = new StringBuilder();
    users.forEach(u -> out.append(u.line()));
    tree.writeFile("etc/passwd", out.toString().getBytes(StandardCharsets.UTF_8), 0644);

    if (!accounts.users().isEmpty()) {
      RegularFile shadow = tree.openOrCreate("etc/shadow", 0640);
      StringBuilder sh = new StringBuilder();
      for (String l : AccountFiles.lines(shadow.content().readAllBytes())) {
        sh.append(parse(() -> AccountFiles.parseShadow(l), "/etc/shadow").line());
      }
      for (User u : accounts.users()) {
        sh.append(u.username()).append(":!:::::::\n");
      }
      tree.writeFile("etc/shadow", sh.toString().getBytes(StandardCharsets.UTF_8), 0640);
    }

    Optional<String> runAs = accounts.runAs();
    if (runAs.isPresent() && !runAs.get().chars().allMatch(c -> c >= '0' && c <= '9')) {
      for (AccountFiles.UserEntry u : users) {
        if (u.name().equals(runAs.get())) {
          return Optional.of(Long.toString(u.uid()));
        }
      }
      // A name nobody defines would become the image's User verbatim, for the runtime to fail on (or worse).
      throw new BadInputException(
          "accounts.run-as: " + InputText.quote(runAs.get())
              + " is neither a user of the config nor in the image's /etc/passwd");
    }
    return runAs;
  }

  private static void makeHome(ImageTree tree, AccountFiles.UserEntry u) throws BadInputException {
    if (u.home().equals("/dev/null")) {
      return;
    }
    Optional<Node> existing = tree.stat(u.home());
    if (existing.isPresent()) {
      if (!(existing.get() instanceof Directory)) {
        throw new BadInputException(u.name() + " home directory " + u.home() + " exists, but is not a directory");
      }
      return;
    }
    try {
      String home = ImageTree.normalize(u.home());
      int slash = home.lastIndexOf('/');
      if (slash > 0) {
        tree.mkdirAll(home.substring(0, slash), 0755);
      }
      tree.mkdir(home, 0700);
      tree.chown(home, u.uid(), u.gid());
    } catch (TreeException e) {
      throw new BadInputException("creating home directory of " + u.name() + ": " + e.getMessage(), e);
    }
  }

  private interface Parser<T> {
    T parse() throws AccountFiles.MalformedLine;
  }

  private static <T> T parse(Parser<T> p, String file) throws BadInputException {
    try {
      return p.parse();
    } catch (AccountFiles.MalformedLine e) {
      throw new BadInputException(file + " in the image: unable to parse: " + e.getMessage());
    }
  }
}
