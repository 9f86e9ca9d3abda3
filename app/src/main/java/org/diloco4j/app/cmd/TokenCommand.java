package org.diloco4j.app.cmd;

import org.diloco4j.app.failure.UserError;
import org.diloco4j.net.auth.Credentials;
import org.diloco4j.net.auth.SecretFiles;
import org.diloco4j.net.auth.Token;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code diloco token add|revoke|list}: per-worker credentials for a coordinator started with
 * {@code --credentials FILE}. The file holds only SHA-256 digests of the tokens; each worker gets
 * its own token file. A running coordinator re-reads the file on the next call it gets after the
 * file changed: an added worker can join, a revoked one is evicted at its next call (its next heartbeat at the latest).
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Manage per-worker credentials (a coordinator started with --credentials FILE admits only these).",
                "A running coordinator re-reads the file on the next call after it changed: a revoked worker is evicted"
                        + " at its next call (its next heartbeat at the latest) and exits with code 3."},
        subcommands = {TokenCommand.Add.class, TokenCommand.Revoke.class, TokenCommand.List.class})
public final class TokenCommand implements Runnable {
    static final String DEFAULT_CREDENTIALS = "credentials";

    /** The {@code --credentials} option every subcommand takes. */
    static final class CredentialsFile {
        @Option(names = "--credentials", paramLabel = "FILE", defaultValue = DEFAULT_CREDENTIALS,
                description = "the coordinator's credentials file ('add' creates it) (default: ${DEFAULT-VALUE})")
        Path path;
    }

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** {@code diloco token add NAME}: a new random token for one worker. */
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Make a random token for worker NAME: its token file for the worker, its digest in the credentials file.")
    static final class Add implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "the worker's name; it is admitted under this name and no other")
        String name;

        @Mixin
        CredentialsFile creds;

        @Option(names = "--out", paramLabel = "TOKENFILE", description = "where the worker's token goes, mode 600 (default: NAME.token)")
        Path out;

        @Override
        public Integer call() throws IOException {
            String bad = Credentials.badName(name);
            if (bad != null) throw UserError.usage(bad, "choose another name");
            Credentials now = read(creds.path, false);
            if (now.get(name) != null) {
                throw UserError.usage("credential '" + name + "' already exists in " + creds.path,
                        "to give it a new token, 'diloco token revoke " + name + "' first; or choose another name");
            }
            Path file = out != null ? out : Path.of(name + ".token");
            if (Files.exists(file)) throw UserError.usage(file + " already exists", "remove it, or give another --out");
            Token token = Token.random();
            // The token file first: a credential whose token was never written would admit nobody, but would be confusing.
            token.writeTo(file);
            SecretFiles.write(creds.path, now.with(name, token).render());
            System.out.println("diloco: credential '" + name + "' added to " + creds.path + "; its token is in " + file
                    + " (mode 600). Copy it to the worker's host and start it with --token-file " + file.getFileName() + ".");
            return 0;
        }
    }

    /** {@code diloco token revoke NAME}. */
    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Remove worker NAME's credential: a running coordinator evicts its workers at their next call.")
    static final class Revoke implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "the credential to revoke")
        String name;

        @Mixin
        CredentialsFile creds;

        @Override
        public Integer call() throws IOException {
            Credentials now = read(creds.path, true);
            if (now.get(name) == null) {
                throw UserError.usage("no credential '" + name + "' in " + creds.path, "'diloco token list --credentials "
                        + creds.path + "' shows the names");
            }
            SecretFiles.write(creds.path, now.without(name).render());
            System.out.println("diloco: credential '" + name + "' revoked in " + creds.path + "; a coordinator using it evicts "
                    + name + " at its next call (its next heartbeat at the latest).");
            return 0;
        }
    }

    /** {@code diloco token list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the credentials: names and the start of their tokens' digests.")
    static final class List implements Callable<Integer> {
        @Mixin
        CredentialsFile creds;

        @Override
        public Integer call() throws IOException {
            Credentials now = read(creds.path, true);
            for (Credentials.Entry e : now.entries()) System.out.println(e.name() + "  sha256:" + e.sha256Hex().substring(0, 12) + "…");
            System.out.println(now.entries().size() + " credential(s) in " + creds.path);
            return 0;
        }
    }

    /** The credentials in {@code file}; none if it does not exist and need not. */
    static Credentials read(Path file, boolean mustExist) throws IOException {
        String text = SecretFiles.readIfExists(file);
        if (text == null) {
            if (!mustExist) return Credentials.empty();
            throw UserError.usage("credentials file " + file + " does not exist", "make it with 'diloco token add NAME --credentials " + file + "'");
        }
        try {
            return Credentials.parse(file, text);
        } catch (IllegalArgumentException e) {
            throw UserError.usage(e.getMessage(), "fix or remove that line (each is 'NAME SHA256-HEX', as 'diloco token add' writes it)");
        }
    }
}
