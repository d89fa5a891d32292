using System.Collections.Concurrent;
using IRanker.Server.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace IRanker.Server.Tests;

/// <summary>Query and document texts reach the log only when <c>LogTexts</c> is on.</summary>
[Collection(ServerCollection.Name)]
public sealed class TextLoggingTests(TinyModels models)
{
    private const string Secret = "zebra-quartz-4471 confidential memo";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Texts_are_logged_only_when_asked_for(bool logTexts)
    {
        var log = new CapturingLogger();
        using var factory = ServerFactory.ForModel(models.ModelZip, ("LogTexts", logTexts ? "true" : "false"));
        using var withLog = factory.WithWebHostBuilder(builder => builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(log);
        }));
        var client = withLog.CreateClient();
        for (int i = 0; i < 600 && !(await client.GetAsync("/health/ready")).IsSuccessStatusCode; i++) await Task.Delay(100);

        (await client.PostJsonAsync("/v1/rerank", new { query = "what is in the memo", documents = new[] { Secret, "a public note" } })).EnsureSuccessStatusCode();
        (await client.PostJsonAsync("/v1/rank", new { context = Secret, candidates = new[] { "a", "b" } })).EnsureSuccessStatusCode();

        log.Messages.Should().NotBeEmpty();
        if (logTexts) log.Messages.Where(m => m.Contains(Secret, StringComparison.Ordinal)).Should().HaveCount(2);
        else log.Messages.Should().NotContain(m => m.Contains(Secret, StringComparison.Ordinal));
    }

    private sealed class CapturingLogger : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Enqueue(formatter(state, exception) + exception);

        public void Dispose()
        {
        }
    }
}
