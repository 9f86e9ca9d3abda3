package org.diloco4j.app.failure;

import org.diloco4j.app.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every option ("--out") and every command ("diloco train") that a message in app's sources names
 * exists: a hint to use something that is not there (coordinator's "--resume") leaves the user stuck.
 */
class HintsNameWhatExistsTest {
    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])--([a-z][a-z0-9-]*)");
    private static final Pattern COMMAND = Pattern.compile("(?:^|[\\s'`(])(?:\\./)?diloco ([a-z][a-z-]*)");

    @Test
    void everyOptionAndCommandAMessageNamesExists() throws IOException {
        CommandLine main = new CommandLine(new Main());
        Set<String> options = new HashSet<>();
        collect(main, options);
        Set<String> commands = main.getSubcommands().keySet();
        Set<String> unknown = new TreeSet<>();
        Set<String> named = new HashSet<>();
        Path src = sources();
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (line.strip().startsWith("//") || line.strip().startsWith("*") || line.contains("names =")) continue;
                    Matcher s = STRING.matcher(line);
                    while (s.find()) {
                        Matcher o = OPTION.matcher(s.group(1));
                        while (o.find()) {
                            named.add("--" + o.group(1));
                            if (!options.contains("--" + o.group(1))) unknown.add(src.relativize(f) + ": --" + o.group(1));
                        }
                        Matcher c = COMMAND.matcher(s.group(1));
                        while (c.find()) {
                            named.add("diloco " + c.group(1));
                            if (!commands.contains(c.group(1))) unknown.add(src.relativize(f) + ": diloco " + c.group(1));
                        }
                    }
                }
            }
        }
        // The scan sees the messages: these are named in hints today.
        assertThat(named).contains("--out", "--port", "--config", "--token-file", "diloco train", "diloco coordinator");
        assertThat(unknown).as("options and commands named in messages that no diloco command has").isEmpty();
    }

    private static void collect(CommandLine cmd, Set<String> into) {
        for (CommandLine.Model.OptionSpec o : cmd.getCommandSpec().options()) into.addAll(java.util.List.of(o.names()));
        for (CommandLine sub : cmd.getSubcommands().values()) collect(sub, into);
    }

    private static Path sources() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("app/src/main/java");
            if (Files.isDirectory(s)) return s;
            if (Files.isDirectory(d.resolve("src/main/java/org/diloco4j/app"))) return d.resolve("src/main/java");
        }
        throw new AssertionError("app/src/main/java not found above " + Path.of("").toAbsolutePath());
    }
}
