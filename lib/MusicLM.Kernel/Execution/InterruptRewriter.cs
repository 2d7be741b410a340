using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MusicLM.Kernel.Execution;

/// <summary>
/// Inserts <c>global::MusicLM.Kernel.Execution.CellInterrupt.Check();</c> at the start of every loop,
/// method, local function and lambda body, and after statements that await. Insertions never add
/// a line break (line numbers in stack traces stay those of the cell); compile errors are reported
/// from the original text, so their columns are right too.
/// </summary>
internal sealed class InterruptRewriter : CSharpSyntaxRewriter
{
    private static StatementSyntax CheckStatement() =>
        SyntaxFactory.ParseStatement("global::MusicLM.Kernel.Execution.CellInterrupt.Check();");

    public static string Rewrite(string code, CSharpParseOptions options)
    {
        var tree = CSharpSyntaxTree.ParseText(code, options);
        return new InterruptRewriter().Visit(tree.GetRoot()).ToFullString();
    }

    private static BlockSyntax Prepend(BlockSyntax block)
    {
        var open = block.OpenBraceToken;
        var check = CheckStatement().WithTrailingTrivia(open.TrailingTrivia);
        return block.WithOpenBraceToken(open.WithTrailingTrivia())
            .WithStatements(block.Statements.Insert(0, check));
    }

    private static StatementSyntax Guard(StatementSyntax body)
    {
        if (body is BlockSyntax b) return Prepend(b);
        // `while (c) x++;` → `while (c) {Check(); x++;}` with the line end kept after the brace.
        var trailing = body.GetTrailingTrivia();
        return SyntaxFactory.Block(CheckStatement(), body.WithoutTrailingTrivia())
            .WithCloseBraceToken(SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithTrailingTrivia(trailing));
    }

    private static bool Awaits(SyntaxNode statement) =>
        statement is ExpressionStatementSyntax or LocalDeclarationStatementSyntax &&
        statement.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .OfType<AwaitExpressionSyntax>().Any();

    private static SyntaxList<StatementSyntax> CheckAfterAwaits(SyntaxList<StatementSyntax> statements)
    {
        var result = new List<StatementSyntax>();
        foreach (var s in statements)
        {
            if (Awaits(s))
            {
                result.Add(s.WithoutTrailingTrivia());
                result.Add(CheckStatement().WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(s.GetTrailingTrivia()));
            }
            else result.Add(s);
        }
        return SyntaxFactory.List(result);
    }

    public override SyntaxNode? VisitBlock(BlockSyntax node)
    {
        var b = (BlockSyntax)base.VisitBlock(node)!;
        return b.WithStatements(CheckAfterAwaits(b.Statements));
    }

    public override SyntaxNode? VisitCompilationUnit(CompilationUnitSyntax node)
    {
        var unit = (CompilationUnitSyntax)base.VisitCompilationUnit(node)!;
        var members = new List<MemberDeclarationSyntax>();
        foreach (var m in unit.Members)
        {
            if (m is GlobalStatementSyntax g && Awaits(g.Statement) &&
                g.Statement.GetLastToken().IsKind(SyntaxKind.SemicolonToken) && !g.Statement.GetLastToken().IsMissing)
            {
                members.Add(g.WithoutTrailingTrivia());
                members.Add(SyntaxFactory.GlobalStatement(
                    CheckStatement().WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(g.GetTrailingTrivia())));
            }
            else members.Add(m);
        }
        return unit.WithMembers(SyntaxFactory.List(members));
    }

    public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node)
    {
        var n = (WhileStatementSyntax)base.VisitWhileStatement(node)!;
        return n.WithStatement(Guard(n.Statement));
    }

    public override SyntaxNode? VisitDoStatement(DoStatementSyntax node)
    {
        var n = (DoStatementSyntax)base.VisitDoStatement(node)!;
        return n.WithStatement(Guard(n.Statement));
    }

    public override SyntaxNode? VisitForStatement(ForStatementSyntax node)
    {
        var n = (ForStatementSyntax)base.VisitForStatement(node)!;
        return n.WithStatement(Guard(n.Statement));
    }

    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node)
    {
        var n = (ForEachStatementSyntax)base.VisitForEachStatement(node)!;
        return n.WithStatement(Guard(n.Statement));
    }

    public override SyntaxNode? VisitForEachVariableStatement(ForEachVariableStatementSyntax node)
    {
        var n = (ForEachVariableStatementSyntax)base.VisitForEachVariableStatement(node)!;
        return n.WithStatement(Guard(n.Statement));
    }

    public override SyntaxNode? VisitMethodDeclaration(MethodDeclarationSyntax node)
    {
        var n = (MethodDeclarationSyntax)base.VisitMethodDeclaration(node)!;
        return n.Body is null ? n : n.WithBody(Prepend(n.Body));
    }

    public override SyntaxNode? VisitLocalFunctionStatement(LocalFunctionStatementSyntax node)
    {
        var n = (LocalFunctionStatementSyntax)base.VisitLocalFunctionStatement(node)!;
        return n.Body is null ? n : n.WithBody(Prepend(n.Body));
    }

    public override SyntaxNode? VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node)
    {
        var n = (ParenthesizedLambdaExpressionSyntax)base.VisitParenthesizedLambdaExpression(node)!;
        return n.Block is null ? n : n.WithBlock(Prepend(n.Block));
    }

    public override SyntaxNode? VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node)
    {
        var n = (SimpleLambdaExpressionSyntax)base.VisitSimpleLambdaExpression(node)!;
        return n.Block is null ? n : n.WithBlock(Prepend(n.Block));
    }

    public override SyntaxNode? VisitAnonymousMethodExpression(AnonymousMethodExpressionSyntax node)
    {
        var n = (AnonymousMethodExpressionSyntax)base.VisitAnonymousMethodExpression(node)!;
        return n.WithBlock(Prepend(n.Block));
    }
}
