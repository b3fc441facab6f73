using System.Diagnostics;

namespace RlSpec.Trainer.Tests.Cluster;

/// <summary>An <c>rlspec</c> process of a cluster test: its output lines with the time each was seen, waits with deadlines,
/// and SIGKILL. Disposing kills it if it is still running, so a failed test leaves no node behind.</summary>
internal sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<(DateTime At, string Line)> _lines = [];

    private NodeProcess(Process process) => _process = process;

    public string Name { get; private init; } = "";

    public static NodeProcess Start(string name, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "rlspec.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var node = new NodeProcess(Process.Start(info)!) { Name = name };
        node._process.OutputDataReceived += (_, e) => node.Add(e.Data);
        node._process.ErrorDataReceived += (_, e) => node.Add(e.Data);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        return node;
    }

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines.Select(l => l.Line));
            }
        }
    }

    /// <summary>When a line containing <paramref name="text"/> was first seen, waiting for it up to <paramref name="timeout"/>.</summary>
    public DateTime WaitForLine(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var exited = _process.HasExited;
            if (exited)
            {
                _process.WaitForExit(); // flushes the output readers
            }

            lock (_lines)
            {
                foreach (var (at, line) in _lines)
                {
                    if (line.Contains(text, StringComparison.Ordinal))
                    {
                        return at;
                    }
                }
            }

            if (exited || DateTime.UtcNow > deadline)
            {
                break;
            }

            Thread.Sleep(20);
        }

        throw new TimeoutException($"{Name} printed no line with '{text}' within {timeout.TotalSeconds} s (exited: {_process.HasExited}); its output:\n{Output}");
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            throw new TimeoutException($"{Name} still running after {timeout.TotalSeconds} s; its output:\n{Output}");
        }

        _process.WaitForExit(); // flushes the output readers
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no handler runs, nothing is flushed or left gracefully.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (_lines)
            {
                _lines.Add((DateTime.UtcNow, line));
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
