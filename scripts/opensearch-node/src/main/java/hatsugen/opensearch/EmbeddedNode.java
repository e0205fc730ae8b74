package hatsugen.opensearch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node, its plugins given on the classpath rather than installed.
 *
 * <p>{@link Node}'s public constructor loads plugins only from {@code path.home/plugins}; the
 * protected one takes plugin classes, which is how the test framework's nodes get HTTP. Settings
 * come as {@code key=value} arguments, as {@code -E} does for the real distribution. The node
 * runs until the process is told to stop (SIGTERM closes it cleanly; SIGKILL is a crash).
 */
public final class EmbeddedNode extends Node {
  private static final List<Class<? extends Plugin>> PLUGINS =
      List.of(Netty4Plugin.class, CommonAnalysisPlugin.class, PainlessPlugin.class);

  private EmbeddedNode(Environment environment) {
    super(environment, PLUGINS, true);
  }

  public static void main(String[] args) throws Exception {
    Settings.Builder given = Settings.builder();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        System.err.println("expected key=value, got: " + arg);
        System.exit(2);
      }
      given.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    Settings settings = given.build();
    Path home = Path.of(settings.get("path.home", "."));
    Files.createDirectories(home.resolve("config"));
    Files.createDirectories(home.resolve("plugins"));
    Files.createDirectories(home.resolve("modules"));
    LogConfigurator.registerErrorListener();
    LogConfigurator.configureWithoutConfig(settings);
    LogConfigurator.setNodeName(settings.get("node.name", "node"));
    Environment environment =
        InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), home.resolve("config"), () -> "node");
    EmbeddedNode node = new EmbeddedNode(environment);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    node.close();
                    node.awaitClose(20, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    e.printStackTrace();
                  } finally {
                    stopped.countDown();
                  }
                }));
    node.start();
    System.out.println("started " + settings.get("node.name"));
    stopped.await();
  }
}
