using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using MusicLM.Kernel.Protocol;
using MusicLM.Kernel.Zmq;

namespace MusicLM.Kernel.Tests;

/// <summary>
/// A kernel process under test and a minimal Jupyter client for it: a generated connection file
/// (free loopback ports, random key), DEALER sockets on shell and control, SUB on iopub, REQ on
/// the heartbeat. Uses the kernel's own wire format (the conformance test checks it against jupyter_client).
/// </summary>
public sealed class KernelProcess : IDisposable
{
    private readonly ZmqContext _context = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(DateTime At, JupyterMessage Message)> _iopubBacklog = [];
    private readonly MessageSigner _signer;
    private readonly string _session = Guid.NewGuid().ToString("N");

    internal ZmqSocket Shell { get; }
    internal ZmqSocket Control { get; }
    internal ZmqSocket Iopub { get; }
    internal ZmqSocket Heartbeat { get; }
    public Process Process { get; }
    public ConnectionInfo Connection { get; }
    public string WorkingDirectory { get; }

    public KernelProcess(string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        WorkingDirectory = workingDirectory;
        Connection = new ConnectionInfo
        {
            Ip = "127.0.0.1",
            ShellPort = FreePort(), IopubPort = FreePort(), StdinPort = FreePort(), ControlPort = FreePort(), HbPort = FreePort(),
            Key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        };
        _signer = new MessageSigner(Connection.Key, "hmac-sha256");
        var file = Path.Combine(workingDirectory, $"kernel-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, Connection.ToJson());

        var psi = new ProcessStartInfo("dotnet", [Paths.KernelDll, "-f", file])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        Process = Process.Start(psi)!;
        Process.ErrorDataReceived += (_, e) => { lock (_stderr) _stderr.AppendLine(e.Data); };
        Process.OutputDataReceived += (_, e) => { lock (_stderr) _stderr.AppendLine(e.Data); };
        Process.BeginErrorReadLine();
        Process.BeginOutputReadLine();

        Shell = Connect(ZmqNative.DEALER, Connection.ShellPort);
        Control = Connect(ZmqNative.DEALER, Connection.ControlPort);
        Heartbeat = Connect(ZmqNative.REQ, Connection.HbPort);
        Iopub = Connect(ZmqNative.SUB, Connection.IopubPort);
        Iopub.Subscribe([]);
        WaitUntilReady();
    }

    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private ZmqSocket Connect(int type, int port)
    {
        var s = _context.Socket(type);
        s.SetLinger(0);
        s.Connect(Connection.Endpoint(port));
        return s;
    }

    /// <summary>Like jupyter_client: kernel_info until a reply comes and iopub (a slow joiner) delivers too.</summary>
    private void WaitUntilReady()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (Process.HasExited) throw new InvalidOperationException($"kernel exited with {Process.ExitCode}:\n{Stderr}");
            var id = Send(Shell, "kernel_info_request", []);
            if (TryReply(Shell, id, TimeSpan.FromSeconds(1)) is not null &&
                Iopub.Poll(500))
            {
                Thread.Sleep(100);
                DrainIopub();
                return;
            }
        }
        throw new TimeoutException($"kernel did not answer kernel_info:\n{Stderr}");
    }

    private void DrainIopub()
    {
        while (Iopub.ReceiveMultipart(ZmqNative.DONTWAIT) is not null) { }
        _iopubBacklog.Clear();
    }

    internal JupyterMessage Message(string type, JsonObject content) => new()
    {
        Header = JupyterMessage.NewHeader(type, _session),
        Content = content,
    };

    internal string Send(ZmqSocket socket, string type, JsonObject content)
    {
        var m = Message(type, content);
        socket.SendMultipart(WireFormat.Encode(m, _signer));
        return m.MsgId;
    }

    public string Execute(string code, bool silent = false) =>
        Send(Shell, "execute_request", new JsonObject
        {
            ["code"] = code, ["silent"] = silent, ["store_history"] = !silent,
            ["user_expressions"] = new JsonObject(), ["allow_stdin"] = false, ["stop_on_error"] = false,
        });

    internal JupyterMessage? TryReply(ZmqSocket socket, string msgId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (!socket.Poll(50)) continue;
            var frames = socket.ReceiveMultipart(ZmqNative.DONTWAIT);
            if (frames is null) continue;
            var m = WireFormat.Decode(frames, _signer);
            if (m.ParentHeader["msg_id"]?.GetValue<string>() == msgId) return m;
        }
        return null;
    }

    internal JupyterMessage Reply(ZmqSocket socket, string msgId, double timeoutSeconds = 30) =>
        TryReply(socket, msgId, TimeSpan.FromSeconds(timeoutSeconds))
        ?? throw new TimeoutException($"no reply to {msgId} within {timeoutSeconds} s; kernel stderr:\n{Stderr}");

    /// <summary>The iopub messages of one request (with arrival times), up to and including its idle status.</summary>
    internal List<(DateTime At, JupyterMessage Message)> Outputs(string msgId, double timeoutSeconds = 30)
    {
        var result = new List<(DateTime, JupyterMessage)>();
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (DateTime.UtcNow < deadline)
        {
            (DateTime At, JupyterMessage Message) item;
            int backlog = _iopubBacklog.FindIndex(x => x.Message.ParentHeader["msg_id"]?.GetValue<string>() == msgId);
            if (backlog >= 0)
            {
                item = _iopubBacklog[backlog];
                _iopubBacklog.RemoveAt(backlog);
            }
            else
            {
                if (!Iopub.Poll(50)) continue;
                var frames = Iopub.ReceiveMultipart(ZmqNative.DONTWAIT);
                if (frames is null) continue;
                item = (DateTime.UtcNow, WireFormat.Decode(frames, _signer));
                if (item.Message.ParentHeader["msg_id"]?.GetValue<string>() != msgId)
                {
                    _iopubBacklog.Add(item);
                    continue;
                }
            }
            result.Add(item);
            if (item.Message.MsgType == "status" && item.Message.Content["execution_state"]?.GetValue<string>() == "idle") return result;
        }
        throw new TimeoutException($"no idle status for {msgId}; got {string.Join(", ", result.Select(r => r.Item2.MsgType))}; kernel stderr:\n{Stderr}");
    }

    /// <summary>Runs a cell: its reply and its iopub messages (without the status ones).</summary>
    internal (JupyterMessage Reply, List<JupyterMessage> Outputs) Run(string code, double timeoutSeconds = 30)
    {
        var id = Execute(code);
        var reply = Reply(Shell, id, timeoutSeconds);
        var outputs = Outputs(id, timeoutSeconds).Select(o => o.Message).Where(m => m.MsgType != "status").ToList();
        return (reply, outputs);
    }

    /// <summary>Runs a cell that must succeed and returns its execute_result's text/plain (null when none).</summary>
    public string? Eval(string code)
    {
        var (reply, outputs) = Run(code);
        Assert.True(reply.Content["status"]?.GetValue<string>() == "ok", $"cell failed: {reply.Content.ToJsonString()}");
        return outputs.FirstOrDefault(o => o.MsgType == "execute_result")?.Content["data"]?["text/plain"]?.GetValue<string>();
    }

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited)
            {
                var id = Send(Control, "shutdown_request", new JsonObject { ["restart"] = false });
                TryReply(Control, id, TimeSpan.FromSeconds(2));
                if (!Process.WaitForExit(3000)) Process.Kill(true);
            }
        }
        catch (Exception e) when (e is ZmqException or InvalidOperationException)
        {
            if (!Process.HasExited) Process.Kill(true);
        }
        foreach (var s in new[] { Shell, Control, Iopub, Heartbeat }) s.Dispose();
        _context.Dispose();
        Process.Dispose();
    }
}
