package org.diloco4j.app.failure;

import org.diloco4j.app.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
        Set<String> unknown = new TreeSet<>();
        Set<String> named = new HashSet<>();
        Path src = sources();
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (line.strip().startsWith("//") || line.strip().startsWith("*") || line.contains("names =")) continue;
                    Matcher s = STRING.matcher(line);
                    while (s.find()) {
                        for (String u : unknownIn(s.group(1), main, named)) unknown.add(src.relativize(f) + ": " + u);
                    }
                }
            }
        }
        // The scan sees the messages: these are named in hints today.
        assertThat(named).contains("--out", "--port", "--config", "--token-file", "diloco train", "diloco coordinator");
        assertThat(unknown).as("options and commands named in messages that no diloco command has").isEmpty();
    }

    @Test
    void anOptionIsCheckedAgainstTheCommandTheMessageNames() {
        CommandLine main = new CommandLine(new Main());
        // train has --resume; the coordinator does not: the hint this test was written for.
        assertThat(unknownIn("run it again with diloco coordinator --resume", main, new HashSet<>())).containsExactly("--resume");
        assertThat(unknownIn("continue with diloco train --resume", main, new HashSet<>())).isEmpty();
        assertThat(unknownIn("use diloco fly", main, new HashSet<>())).containsExactly("diloco fly");
    }

    /**
     * What {@code message} names that does not exist: its options are checked against the command
     * it names ("diloco coordinator --out"), or against every command's when it names none.
     */
    private static List<String> unknownIn(String message, CommandLine main, Set<String> named) {
        List<String> unknown = new ArrayList<>();
        CommandLine scope = main;
        Matcher c = COMMAND.matcher(message);
        while (c.find()) {
            named.add("diloco " + c.group(1));
            CommandLine sub = main.getSubcommands().get(c.group(1));
            if (sub == null) unknown.add("diloco " + c.group(1));
            else if (scope == main) scope = sub;
        }
        Set<String> options = new HashSet<>();
        collect(scope, options);
        if (scope != main) for (CommandLine.Model.OptionSpec o : main.getCommandSpec().options()) options.addAll(List.of(o.names()));
        Matcher o = OPTION.matcher(message);
        while (o.find()) {
            named.add("--" + o.group(1));
            if (!options.contains("--" + o.group(1))) unknown.add("--" + o.group(1));
        }
        return unknown;
    }

    private static void collect(CommandLine cmd, Set<String> into) {
        for (CommandLine.Model.OptionSpec o : cmd.getCommandSpec().options()) into.addAll(List.of(o.names()));
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
