namespace MusicLM.Semantic;

/// <summary>The stages of <see cref="SemanticTokenizer.Fit"/>, in order.</summary>
public enum SemanticFitStage
{
    /// <summary>Frame features of every clip; standardisation statistics.</summary>
    Features,
    /// <summary>k-means on the stacked features: the iteration-0 vocabulary.</summary>
    Iteration0Clustering,
    /// <summary>The masked-prediction transformer learns the iteration-0 clusters.</summary>
    MaskedPrediction,
    /// <summary>k-means on the transformer's middle layer: the iteration-1 vocabulary.</summary>
    Iteration1Clustering,
}
