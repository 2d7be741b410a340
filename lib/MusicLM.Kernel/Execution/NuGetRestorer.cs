using System.Diagnostics;
using System.Security;
using System.Text.Json.Nodes;

namespace MusicLM.Kernel.Execution;

/// <summary>
/// <c>#r "nuget: Name, Version"</c>: restores the package (and its dependencies) through the package
/// sources configured on this machine by running <c>dotnet restore</c> on a throw-away project, then
/// reads the runtime assemblies from its project.assets.json.
/// </summary>
internal sealed class NuGetRestorer
{
    private readonly Dictionary<string, IReadOnlyList<string>> _cache = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Parses "nuget: Name, Version" (version optional); null when it is not a nuget reference.</summary>
    public static (string Name, string? Version)? Parse(string reference)
    {
        if (!reference.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase)) return null;
        var parts = reference["nuget:".Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return null;
        return (parts[0], parts.Length > 1 ? parts[1] : null);
    }

    public bool TryGetCached(string reference, out IReadOnlyList<string> assemblies) =>
        _cache.TryGetValue(Key(reference), out assemblies!);

    /// <summary>The runtime assembly paths of the package and its dependencies; throws with dotnet's output on failure.</summary>
    public IReadOnlyList<string> Restore(string reference, CancellationToken token)
    {
        var key = Key(reference);
        if (_cache.TryGetValue(key, out var cached)) return cached;
        var (name, version) = Parse(reference) ?? throw new ArgumentException($"not a nuget reference: {reference}");

        var dir = Path.Combine(Path.GetTempPath(), "musiclm-kernel-nuget", $"{name}-{version ?? "latest"}".ToLowerInvariant());
        Directory.CreateDirectory(dir);
        var tfm = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
        File.WriteAllText(Path.Combine(dir, "restore.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>{tfm}</TargetFramework>
                <EnableDefaultItems>false</EnableDefaultItems>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{SecurityElement.Escape(name)}" Version="{SecurityElement.Escape(version ?? "*")}" />
              </ItemGroup>
            </Project>
            """);

        var psi = new ProcessStartInfo("dotnet", ["restore", "--nologo", "-v:q"])
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"#r \"{reference}\": the dotnet SDK is needed to restore NuGet packages ({e.Message})");
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync(token);
            var stderr = p.StandardError.ReadToEndAsync(token);
            try
            {
                p.WaitForExitAsync(token).Wait(token);
            }
            catch (OperationCanceledException)
            {
                try { p.Kill(true); } catch (InvalidOperationException) { }
                throw;
            }
            if (p.ExitCode != 0)
                throw new InvalidOperationException(
                    $"#r \"{reference}\": dotnet restore failed (exit {p.ExitCode}); is the package available from this machine's NuGet sources?\n{stdout.Result}{stderr.Result}".TrimEnd());
        }

        var assets = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "obj", "project.assets.json")))!;
        var packageFolder = assets["packageFolders"]!.AsObject().First().Key;
        var libraries = assets["libraries"]!.AsObject();
        var target = assets["targets"]!.AsObject().First(t => !t.Key.Contains('/')).Value!.AsObject();
        var paths = new List<string>();
        foreach (var (id, entry) in target)
        {
            if (entry?["type"]?.GetValue<string>() != "package" || entry["runtime"] is not JsonObject runtime) continue;
            var libPath = libraries[id]?["path"]?.GetValue<string>() ?? id.ToLowerInvariant();
            foreach (var (file, _) in runtime)
            {
                if (!file.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) continue; // "_._" placeholders
                paths.Add(Path.GetFullPath(Path.Combine(packageFolder, libPath, file)));
            }
        }
        _cache[key] = paths;
        return paths;
    }

    private static string Key(string reference) => string.Join(",", reference.Split(',', StringSplitOptions.TrimEntries)).Replace(" ", "");
}
