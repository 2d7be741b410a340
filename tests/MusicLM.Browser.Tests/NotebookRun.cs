namespace MusicLM.Browser.Tests;

/// <summary>
/// What one notebook did in the browser: Run All from a fresh page, then what the page showed, the saved file,
/// and the page again after one figure's output was cleared and the page reloaded. Cell indices count every
/// cell (markdown included) from 0, as <c>Jupyter.notebook.get_cell(i)</c> does.
/// </summary>
public sealed record NotebookRun(
    string Name,
    TimeSpan KernelStart,
    TimeSpan RunAll,
    IReadOnlyList<NotebookRun.Cell> Cells,
    IReadOnlyList<NotebookRun.Player> Players,
    IReadOnlyList<NotebookRun.Plot> Figures,
    long SavedBytes,
    IReadOnlyList<string> SavedErrors,
    IReadOnlyList<int> SavedFigureCells,
    IReadOnlyList<NotebookRun.CellSize> LargestCells,
    NotebookRun.Reload AfterReload,
    IReadOnlyList<string> PageErrors,
    string Screenshot)
{
    /// <summary>One cell: its first source line (to find it), its prompt number after the run, and its error outputs.</summary>
    public sealed record Cell(int Index, string Type, string FirstLine, bool HasSource, string? ExecutionCount, string[] Errors, int ErrorElements);

    /// <summary>How many bytes a cell's outputs take in the saved file.</summary>
    public sealed record CellSize(int Cell, long Bytes);

    /// <summary>One &lt;audio&gt; element: its metadata and where it lies against its output area and the viewport.</summary>
    public sealed record Player(int Cell, int Ordinal, string Title, int ReadyState, double Duration, string? Error,
        double Left, double Right, double AreaLeft, double AreaRight, double Viewport);

    /// <summary>One figure container (<c>.musiclm-plot</c> or <c>.js-plotly-plot</c>): drawn means it holds plotly's <c>.main-svg</c>.</summary>
    public sealed record Plot(int Cell, string Id, bool Drawn);

    /// <summary>
    /// The reload case: <see cref="ClearedCell"/> (the first cell with a figure) had its output cleared, the notebook was
    /// saved and the page reloaded; <see cref="Figures"/> is every figure on the reloaded page.
    /// </summary>
    public sealed record Reload(int? ClearedCell, int ExpectedFigures, IReadOnlyList<Plot> Figures, bool Trusted, TimeSpan? AllDrawnAfter, string Screenshot);

    /// <summary>Where the cell is, for messages: "cell 7 (`var clip = …`)".</summary>
    public string Where(int cell) =>
        cell >= 0 && cell < Cells.Count ? $"cell {cell} (`{Cells[cell].FirstLine}`)" : $"cell {cell}";
}
