using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace MusicLM.Browser.Tests;

/// <summary>
/// Debian's classic notebook server on 127.0.0.1 with a token, serving a temporary copy of notebooks/ with the
/// musiclm-csharp kernelspec of this checkout installed into a temporary prefix. Every Jupyter folder
/// (path, data, config, runtime) points into the temporary folder, so the user's own config and kernelspecs
/// play no part; the kernel runs in quick mode with its data folder there too.
/// </summary>
public sealed class NotebookServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process process;
    private readonly StringBuilder log = new();
    private readonly HttpClient http;

    private NotebookServer(string root, string notebookDir, int port, string token, Process process)
    {
        Root = root;
        NotebookDir = notebookDir;
        Token = token;
        BaseUrl = $"http://127.0.0.1:{port}/";
        this.process = process;
        http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", token);
        // Should the test host end without disposing its fixtures, the server and its kernels still go with it.
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    /// <summary>The temporary folder holding everything this server writes.</summary>
    public string Root { get; }

    /// <summary>The server's notebook folder: a copy of the repository's notebooks/.</summary>
    public string NotebookDir { get; }

    public string Token { get; }

    /// <summary>"http://127.0.0.1:PORT/" (the server's base_url is "/").</summary>
    public string BaseUrl { get; }

    /// <summary>The browser URL of a notebook, with the token (the server then sets its login cookie).</summary>
    public string NotebookUrl(string name) => $"{BaseUrl}notebooks/{Uri.EscapeDataString(name)}?token={Token}";

    /// <summary>The last lines the server and its kernels printed, for failure messages.</summary>
    public string LogTail(int lines = 40)
    {
        string text;
        lock (log) text = log.ToString();
        var all = text.Split('\n');
        return string.Join("\n", all.Skip(Math.Max(0, all.Length - lines)));
    }

    public static async Task<NotebookServer> StartAsync()
    {
        var root = Directory.CreateTempSubdirectory("musiclm-browser-").FullName;
        try
        {
            var state = Directory.CreateDirectory(Path.Combine(root, "state")).FullName;
            var prefix = Path.Combine(state, "prefix");
            Run("bash", Path.Combine(Notebooks.RepoRoot, "environment", "install-kernel.sh"), "--prefix", prefix);

            // The copy sits where notebooks/ sits in the repository, beside links to the rest of it, so the
            // notebooks' relative paths (`#r "../lib/..."`) resolve to this checkout's builds.
            var repo = Directory.CreateDirectory(Path.Combine(root, "repo")).FullName;
            var notebookDir = Directory.CreateDirectory(Path.Combine(repo, "notebooks")).FullName;
            foreach (var entry in Directory.EnumerateFileSystemEntries(Notebooks.RepoRoot))
            {
                var n = Path.GetFileName(entry);
                if (n is "notebooks" or ".git") continue;
                File.CreateSymbolicLink(Path.Combine(repo, n), entry);
            }
            // The notebooks and any file beside them (a notebook may read one).
            foreach (var f in Directory.GetFiles(Notebooks.Dir))
                File.Copy(f, Path.Combine(notebookDir, Path.GetFileName(f)));

            var port = FreeLoopbackPort();
            var token = Guid.NewGuid().ToString("N");
            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = notebookDir };
            foreach (var a in new[]
            {
                "-m", "notebook", "--no-browser", "--allow-root", "--ip=127.0.0.1", $"--port={port}", "--port-retries=0",
                $"--NotebookApp.token={token}", $"--notebook-dir={notebookDir}",
                // A student's page needs no terminal.
                "--NotebookApp.terminals_enabled=False",
            })
                psi.ArgumentList.Add(a);
            psi.Environment["JUPYTER_PATH"] = Path.Combine(prefix, "share", "jupyter");
            psi.Environment["JUPYTER_DATA_DIR"] = Directory.CreateDirectory(Path.Combine(state, "jupyter-data")).FullName;
            psi.Environment["JUPYTER_CONFIG_DIR"] = Directory.CreateDirectory(Path.Combine(state, "jupyter-config")).FullName;
            psi.Environment["JUPYTER_RUNTIME_DIR"] = Directory.CreateDirectory(Path.Combine(state, "jupyter-runtime")).FullName;
            psi.Environment["IPYTHONDIR"] = Path.Combine(state, "ipython");
            // Quick mode, as CI runs; MUSICLM_BROWSER_MODE=workshop measures the workshop run instead
            // (the notebooks' stated times), with MUSICLM_BROWSER_NOTEBOOKS to pick which.
            if (Environment.GetEnvironmentVariable("MUSICLM_BROWSER_MODE") == "workshop") psi.Environment.Remove("MUSICLM_QUICK");
            else psi.Environment["MUSICLM_QUICK"] = "1";
            psi.Environment["MUSICLM_DATA"] = Directory.CreateDirectory(Path.Combine(state, "data")).FullName;
            psi.Environment.Remove("JUPYTER_TOKEN");
            var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the notebook server");
            var server = new NotebookServer(root, notebookDir, port, token, process);
            process.OutputDataReceived += (_, e) => server.Append(e.Data);
            process.ErrorDataReceived += (_, e) => server.Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await server.WaitUntilServingAsync();
            }
            catch
            {
                server.Dispose();
                throw;
            }
            return server;
        }
        catch
        {
            TryDelete(root);
            throw;
        }
    }

    /// <summary>Shuts down every kernel the server runs, so the next notebook does not share the machine with the last one's.</summary>
    public async Task ShutDownKernelsAsync()
    {
        try
        {
            var sessions = JsonNode.Parse(await http.GetStringAsync("api/sessions"))!.AsArray();
            foreach (var s in sessions)
                await http.DeleteAsync($"api/sessions/{s!["id"]!.GetValue<string>()}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // The server is killed with its kernels in Dispose anyway.
        }
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        http.Dispose();
        try
        {
            if (!process.HasExited)
            {
                // The kernels are the server's children: the whole tree goes.
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
        TryDelete(Root);
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        try { process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    private void Append(string? line)
    {
        if (line == null) return;
        lock (log) log.Append(line).Append('\n');
    }

    private async Task WaitUntilServingAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"the notebook server exited with code {process.ExitCode} before serving:\n{LogTail()}");
            try
            {
                using var r = await http.GetAsync("api/status");
                if (r.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"the notebook server did not answer on {BaseUrl} within {StartTimeout.TotalSeconds:0} s:\n{LogTail()}");
    }

    private static int FreeLoopbackPort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 2 minutes");
        }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}):\n{output}{err.Result}");
    }

    private static void TryDelete(string dir)
    {
        try
        {
            // The links into the repository go first, one by one, so that nothing below could follow them.
            var repo = Path.Combine(dir, "repo");
            if (Directory.Exists(repo))
                foreach (var link in new DirectoryInfo(repo).EnumerateFileSystemInfos().Where(i => i.LinkTarget != null))
                    link.Delete();
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
