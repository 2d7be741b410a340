using System.Text.Json;

namespace MusicLM.Torch.Tests;

/// <summary>
/// Runs a snippet of Python under Debian's PyTorch (/usr/bin/python3 — the python3 on PATH may lack torch)
/// as an independent reference. Tensors travel as raw bytes plus a JSON list of dtypes and shapes:
/// the snippet reads inputs with <c>load(name)</c> and returns results with <c>save(name, tensor)</c>;
/// whatever it prints comes back as text.
/// </summary>
internal static class PythonTorch
{
    private const string Prelude = """
        import json, os, sys
        import torch
        _dir = sys.argv[1]
        _in = json.load(open(os.path.join(_dir, 'inputs.json')))
        _out = {}
        def load(name):
            m = _in[name]
            dt = getattr(torch, m['dtype'])
            data = bytearray(open(os.path.join(_dir, 'in_' + name + '.bin'), 'rb').read())
            t = torch.frombuffer(data, dtype=dt) if len(data) else torch.empty(0, dtype=dt)
            return t.reshape(m['shape']).clone()
        def save(name, t):
            t = torch.as_tensor(t).detach().contiguous().cpu()
            open(os.path.join(_dir, 'out_' + name + '.bin'), 'wb').write(t.numpy().tobytes())
            _out[name] = {'dtype': str(t.dtype).replace('torch.', ''), 'shape': list(t.shape)}

        """;

    private const string Epilogue = "\njson.dump(_out, open(os.path.join(_dir, 'outputs.json'), 'w'))\n";

    /// <summary>Runs <paramref name="script"/> with <paramref name="inputs"/>; returns the saved tensors (owned by the caller) and stdout.</summary>
    public static (Dictionary<string, Tensor> outputs, string stdout) Run(string script, IReadOnlyDictionary<string, Tensor>? inputs = null)
    {
        var dir = Directory.CreateTempSubdirectory("mlt-py-").FullName;
        try
        {
            var manifest = new Dictionary<string, object>();
            foreach (var (name, t) in inputs ?? new Dictionary<string, Tensor>())
            {
                File.WriteAllBytes(Path.Combine(dir, $"in_{name}.bin"), t.ToBytes());
                manifest[name] = new { dtype = t.dtype.Name(), shape = t.shape };
            }
            File.WriteAllText(Path.Combine(dir, "inputs.json"), JsonSerializer.Serialize(manifest));
            var path = Path.Combine(dir, "script.py");
            File.WriteAllText(path, Prelude + Dedent(script) + Epilogue);

            var stdout = ReferencePython.RunOk(path, dir);

            var outputs = new Dictionary<string, Tensor>();
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "outputs.json")));
            foreach (var o in doc.RootElement.EnumerateObject())
            {
                var dtype = Enum.GetValues<ScalarType>().First(s => s.Name() == o.Value.GetProperty("dtype").GetString());
                var shape = o.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var bytes = File.ReadAllBytes(Path.Combine(dir, $"out_{o.Name}.bin"));
                outputs[o.Name] = torch.from_bytes(bytes, dtype, shape);
            }
            return (outputs, stdout);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Dedent(string s)
    {
        var lines = s.Replace("\r\n", "\n").Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }
}
