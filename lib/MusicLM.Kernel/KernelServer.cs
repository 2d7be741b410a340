using System.Reflection;
using System.Text.Json.Nodes;
using MusicLM.Kernel.Completion;
using MusicLM.Kernel.Execution;
using MusicLM.Kernel.Protocol;
using MusicLM.Kernel.Zmq;

namespace MusicLM.Kernel;

/// <summary>
/// The Jupyter side of the kernel: binds the five sockets of a connection file, answers shell and
/// control requests on their own threads, echoes heartbeats, and publishes every output on iopub
/// with the request it belongs to as parent. A malformed or wrongly signed message is logged and
/// dropped; nothing a message or a cell does stops the loop.
/// </summary>
internal sealed class KernelServer : IDisplaySink, IDisposable
{
    private const int PollMs = 100;
    private static readonly JsonObject EmptyParent = [];

    private readonly ConnectionInfo _connection;
    private readonly MessageSigner _signer;
    private readonly string _session = Guid.NewGuid().ToString("N");
    private readonly ZmqContext _context = new();
    private readonly ZmqSocket _shell, _control, _iopub, _stdin, _heartbeat;
    private readonly ScriptEngine _engine;
    private readonly KernelCompletion _completion;
    private readonly StreamingWriter _stdout, _stderr;
    private readonly ManualResetEventSlim _stopped = new();
    private volatile bool _stopping;
    private volatile JsonObject _currentParent = EmptyParent;
    private int _executionCount;

    public KernelServer(ConnectionInfo connection, string workingDirectory)
    {
        _connection = connection;
        _signer = new MessageSigner(connection.Key, connection.SignatureScheme);
        _shell = Bind(ZmqNative.ROUTER, connection.ShellPort);
        _control = Bind(ZmqNative.ROUTER, connection.ControlPort);
        _stdin = Bind(ZmqNative.ROUTER, connection.StdinPort);
        _iopub = Bind(ZmqNative.PUB, connection.IopubPort);
        _heartbeat = Bind(ZmqNative.REP, connection.HbPort);

        _stdout = new StreamingWriter("stdout", PublishStream);
        _stderr = new StreamingWriter("stderr", PublishStream);
        var probing = new AssemblyProbing();
        probing.Install();
        _engine = new ScriptEngine(workingDirectory, new KernelGlobals(this), probing);
        _completion = new KernelCompletion(_engine);
    }

    /// <summary>Wires up the display contract, console capture and SIGINT, then serves until shutdown.</summary>
    public int Run()
    {
        AppContext.SetData("jupyter.kernel.publish_display",
            new Action<IReadOnlyDictionary<string, object>, IReadOnlyDictionary<string, object>?, string?, bool>(PublishDisplay));
        AppContext.SetData("jupyter.kernel.interrupt_token", new Func<CancellationToken>(() => CellInterrupt.Token));
        Console.SetOut(_stdout);
        Console.SetError(_stderr);
        Console.SetIn(TextReader.Null);
        using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGINT, c =>
            {
                c.Cancel = true; // Jupyter sends SIGINT to interrupt; it must never end the kernel.
                CellInterrupt.Interrupt();
            });

        var threads = new[]
        {
            new Thread(() => Serve(_shell, "shell")) { Name = "jupyter-shell", IsBackground = true },
            new Thread(() => Serve(_control, "control")) { Name = "jupyter-control", IsBackground = true },
            new Thread(Heartbeat) { Name = "jupyter-heartbeat", IsBackground = true },
            new Thread(FlushStreams) { Name = "jupyter-streams", IsBackground = true },
        };
        Publish("status", new JsonObject { ["execution_state"] = "starting" }, EmptyParent);
        foreach (var t in threads) t.Start();
        WatchParent();
        KernelLog.Write($"listening on {_connection.Endpoint(_connection.ShellPort)} (shell), working directory {_engine.WorkingDirectory}");
        _stopped.Wait();
        foreach (var t in threads) t.Join(TimeSpan.FromSeconds(2));
        return 0;
    }

    /// <summary>
    /// Jupyter passes its process id as JPY_PARENT_PID. When that process is gone (killed, crashed) no
    /// one can shut this kernel down any more, so it stops by itself instead of running forever.
    /// </summary>
    private void WatchParent()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("JPY_PARENT_PID"), out var pid) || pid <= 1 || !OperatingSystem.IsLinux()) return;
        new Thread(() =>
        {
            while (!_stopping)
            {
                Thread.Sleep(1000);
                if (Directory.Exists($"/proc/{pid}")) continue;
                KernelLog.Write($"the Jupyter process {pid} is gone; shutting down");
                _stopping = true;
                _stopped.Set();
            }
        }) { Name = "jupyter-parent-watch", IsBackground = true }.Start();
    }

    private ZmqSocket Bind(int type, int port)
    {
        var s = _context.Socket(type);
        s.SetLinger(1000);
        s.Bind(_connection.Endpoint(port));
        return s;
    }

    // ------------------------------------------------------------------ loops

    private void Serve(ZmqSocket socket, string channel)
    {
        while (!_stopping)
        {
            try
            {
                if (!socket.Poll(PollMs)) continue;
                var frames = socket.ReceiveMultipart(ZmqNative.DONTWAIT);
                if (frames is null) continue;
                Handle(socket, channel, frames);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                KernelLog.Write($"{channel}: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    private void Heartbeat()
    {
        while (!_stopping)
        {
            try
            {
                if (!_heartbeat.Poll(PollMs)) continue;
                var frames = _heartbeat.ReceiveMultipart(ZmqNative.DONTWAIT);
                if (frames is not null) _heartbeat.SendMultipart(frames);
            }
            catch (ZmqException e)
            {
                KernelLog.Write($"heartbeat: {e.Message}");
            }
        }
    }

    private void FlushStreams()
    {
        while (!_stopping)
        {
            Thread.Sleep(50);
            FlushOutput();
        }
    }

    private void FlushOutput()
    {
        try
        {
            _stdout.Flush();
            _stderr.Flush();
        }
        catch (Exception e) when (e is ZmqException or ObjectDisposedException)
        {
            KernelLog.Write($"stream: {e.Message}");
        }
    }

    // ------------------------------------------------------------------ dispatch

    private void Handle(ZmqSocket socket, string channel, List<byte[]> frames)
    {
        JupyterMessage request;
        try
        {
            request = WireFormat.Decode(frames, _signer);
        }
        catch (UnauthorizedAccessException)
        {
            KernelLog.Write($"{channel}: dropped a message with an invalid signature");
            return;
        }
        catch (InvalidDataException e)
        {
            KernelLog.Write($"{channel}: dropped a malformed message: {e.Message}");
            return;
        }

        var type = request.MsgType;
        if (type is "comm_open" or "comm_msg" or "comm_close") return; // no comm targets
        Publish("status", new JsonObject { ["execution_state"] = "busy" }, request.Header);
        try
        {
            switch (type)
            {
                case "kernel_info_request": Reply(socket, request, "kernel_info_reply", KernelInfo()); break;
                case "execute_request":
                    Execute(socket, request);
                    break;
                case "complete_request": Reply(socket, request, "complete_reply", _completion.Reply(request.Content)); break;
                case "inspect_request": Reply(socket, request, "inspect_reply", Inspect(request.Content)); break;
                case "is_complete_request": Reply(socket, request, "is_complete_reply", IsComplete(request.Content)); break;
                case "history_request": Reply(socket, request, "history_reply", new JsonObject { ["status"] = "ok", ["history"] = new JsonArray() }); break;
                case "comm_info_request": Reply(socket, request, "comm_info_reply", new JsonObject { ["status"] = "ok", ["comms"] = new JsonObject() }); break;
                case "interrupt_request":
                    CellInterrupt.Interrupt();
                    Reply(socket, request, "interrupt_reply", new JsonObject { ["status"] = "ok" });
                    break;
                case "shutdown_request":
                    var restart = request.Content["restart"]?.GetValue<bool>() ?? false;
                    CellInterrupt.Interrupt();
                    Reply(socket, request, "shutdown_reply", new JsonObject { ["status"] = "ok", ["restart"] = restart });
                    _stopping = true;
                    break;
                default:
                    KernelLog.Write($"{channel}: ignored unknown message type '{type}'");
                    break;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A request we could not answer (bad content, say) still gets an error reply.
            KernelLog.Write($"{channel}: {type} failed: {e.GetType().Name}: {e.Message}");
            if (type.EndsWith("_request", StringComparison.Ordinal))
                Reply(socket, request, type[..^"_request".Length] + "_reply", ErrorContent(e.GetType().Name, e.Message, [e.Message]));
        }
        finally
        {
            Publish("status", new JsonObject { ["execution_state"] = "idle" }, request.Header);
            // After the first cell's idle, so neither that cell nor its idle ever waits for it.
            if (type == "execute_request") _completion.WarmUp();
            if (_stopping) _stopped.Set();
        }
    }

    private JsonObject KernelInfo() => new()
    {
        ["status"] = "ok",
        ["protocol_version"] = WireFormat.ProtocolVersion,
        ["implementation"] = "musiclm-csharp",
        ["implementation_version"] = typeof(KernelServer).Assembly.GetName().Version?.ToString(3) ?? "1.0.0",
        ["language_info"] = new JsonObject
        {
            ["name"] = "csharp",
            ["version"] = ScriptEngine.LanguageVersionText,
            ["mimetype"] = "text/x-csharp",
            ["file_extension"] = ".cs",
            ["pygments_lexer"] = "csharp",
            ["codemirror_mode"] = "text/x-csharp",
        },
        ["banner"] = $"C# {ScriptEngine.LanguageVersionText} on .NET {Environment.Version} (Roslyn scripting) — MusicLM Notebooks kernel",
        ["help_links"] = new JsonArray(),
        ["debugger"] = false,
    };

    private void Execute(ZmqSocket socket, JupyterMessage request)
    {
        var content = request.Content;
        var code = content["code"]?.GetValue<string>() ?? "";
        var silent = content["silent"]?.GetValue<bool>() ?? false;
        var storeHistory = !silent && (content["store_history"]?.GetValue<bool>() ?? true);
        var stopOnError = content["stop_on_error"]?.GetValue<bool>() ?? true;
        if (storeHistory) _executionCount++;
        var count = _executionCount;
        if (!silent) Publish("execute_input", new JsonObject { ["code"] = code, ["execution_count"] = count }, request.Header);

        FlushOutput(); // stray output of earlier background work goes to its own cell
        _currentParent = request.Header;
        var cts = CellInterrupt.BeginCell();
        CellOutcome outcome;
        try
        {
            outcome = string.IsNullOrWhiteSpace(code) ? CellOutcome.Success(null) : _engine.Execute(code, count, cts.Token);
            if (outcome.Ok && outcome.Value is not null && !silent)
            {
                var bundle = MimeBundle.Of(outcome.Value);
                FlushOutput();
                Publish("execute_result", new JsonObject
                {
                    ["execution_count"] = count,
                    ["data"] = MimeBundle.ToJson(bundle),
                    ["metadata"] = new JsonObject(),
                }, request.Header);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // An exception from the kernel's side of the cell (a failing ToMimeBundle, say).
            outcome = CellOutcome.Error(e.GetType().Name, e.Message, ScriptEngine.Traceback(e));
        }
        finally
        {
            CellInterrupt.EndCell(cts);
            FlushOutput();
        }

        if (outcome.Ok)
        {
            Reply(socket, request, "execute_reply", new JsonObject
            {
                ["status"] = "ok",
                ["execution_count"] = count,
                ["payload"] = new JsonArray(),
                ["user_expressions"] = new JsonObject(),
            });
            return;
        }
        var error = ErrorContent(outcome.ErrorName, outcome.ErrorValue, outcome.Traceback ?? []);
        Publish("error", (JsonObject)error.DeepClone(), request.Header);
        error["execution_count"] = count;
        Reply(socket, request, "execute_reply", error);
        if (stopOnError) AbortQueued(socket);
    }

    /// <summary>After a failed cell, queued execute requests are answered "aborted" (Run All stops at the error).</summary>
    private void AbortQueued(ZmqSocket socket)
    {
        List<byte[]>? frames;
        while ((frames = socket.ReceiveMultipart(ZmqNative.DONTWAIT)) is not null)
        {
            JupyterMessage queued;
            try
            {
                queued = WireFormat.Decode(frames, _signer);
            }
            catch (Exception e) when (e is UnauthorizedAccessException or InvalidDataException)
            {
                KernelLog.Write($"shell: dropped a queued message: {e.Message}");
                continue;
            }
            if (queued.MsgType != "execute_request")
            {
                Handle(socket, "shell", frames);
                continue;
            }
            Publish("status", new JsonObject { ["execution_state"] = "busy" }, queued.Header);
            // No execution_count, as ipykernel: the cell never ran, so Jupyter leaves its prompt "In [ ]".
            Reply(socket, queued, "execute_reply", new JsonObject { ["status"] = "aborted" });
            Publish("status", new JsonObject { ["execution_state"] = "idle" }, queued.Header);
        }
    }

    private static JsonObject ErrorContent(string ename, string evalue, IEnumerable<string> traceback) => new()
    {
        ["status"] = "error",
        ["ename"] = ename,
        ["evalue"] = evalue,
        ["traceback"] = new JsonArray([.. traceback.Select(t => (JsonNode?)JsonValue.Create(t))]),
    };

    private JsonObject Inspect(JsonObject content)
    {
        var code = content["code"]?.GetValue<string>() ?? "";
        var cursor = content["cursor_pos"]?.GetValue<int>() ?? code.Length;
        var text = _engine.Inspect(code, cursor);
        return new JsonObject
        {
            ["status"] = "ok",
            ["found"] = text is not null,
            ["data"] = text is null ? new JsonObject() : new JsonObject { ["text/plain"] = text },
            ["metadata"] = new JsonObject(),
        };
    }

    private JsonObject IsComplete(JsonObject content)
    {
        var status = _engine.IsComplete(content["code"]?.GetValue<string>() ?? "");
        var reply = new JsonObject { ["status"] = status };
        if (status == "incomplete") reply["indent"] = "    ";
        return reply;
    }

    // ------------------------------------------------------------------ sending

    private void Reply(ZmqSocket socket, JupyterMessage request, string type, JsonObject content)
    {
        var reply = new JupyterMessage
        {
            Identities = request.Identities,
            Header = JupyterMessage.NewHeader(type, _session),
            ParentHeader = (JsonObject)request.Header.DeepClone(),
            Content = content,
        };
        var frames = WireFormat.Encode(reply, _signer);
        lock (socket.SendLock) socket.SendMultipart(frames);
    }

    private void Publish(string type, JsonObject content, JsonObject parent)
    {
        var message = new JupyterMessage
        {
            Identities = [System.Text.Encoding.UTF8.GetBytes(type)],
            Header = JupyterMessage.NewHeader(type, _session),
            ParentHeader = (JsonObject)parent.DeepClone(),
            Content = content,
        };
        var frames = WireFormat.Encode(message, _signer);
        lock (_iopub.SendLock) _iopub.SendMultipart(frames);
    }

    private void PublishStream(string name, string text) =>
        Publish("stream", new JsonObject { ["name"] = name, ["text"] = text }, _currentParent);

    /// <summary>The display contract's publish_display: callable from any thread, parented to the running cell.</summary>
    public void PublishDisplay(IReadOnlyDictionary<string, object> data, IReadOnlyDictionary<string, object>? metadata, string? displayId, bool update)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (update && displayId is null) throw new ArgumentException("update_display_data needs a display_id", nameof(displayId));
        var content = new JsonObject
        {
            ["data"] = MimeBundle.ToJson(data),
            ["metadata"] = MimeBundle.ToJson(metadata),
        };
        if (displayId is not null) content["transient"] = new JsonObject { ["display_id"] = displayId };
        FlushOutput(); // what the cell printed before the display stays above it
        Publish(update ? "update_display_data" : "display_data", content, _currentParent);
    }

    public void ClearOutput(bool wait)
    {
        FlushOutput();
        Publish("clear_output", new JsonObject { ["wait"] = wait }, _currentParent);
    }

    public void Dispose()
    {
        _stopping = true;
        foreach (var s in new[] { _shell, _control, _stdin, _iopub, _heartbeat }) s.Dispose();
        _context.Dispose();
    }
}
