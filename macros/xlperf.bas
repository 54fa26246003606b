Attribute VB_Name = "XlperfButton"
' xlperf：在自己的 .xlsm 工作簿里放一个“重新计算”按钮。
' 适用于不想安装 xlperf.xlam 加载项、而希望把按钮放在本单位工作簿中的同志。
' 按钮的效果与“绩效自评”选项卡上的“重新计算”相同：填写计算列、校验并生成自评报告草稿。
'
' 本文件按 GBK 编码保存，以便在中文 Windows 的 VBA 编辑器中导入后注释不乱码。
'
' 使用步骤：
' 1. 先让本工作簿能调用 RunPython（二选一）：
'    a) 导入 xlwings 的独立 VBA 模块：VBA 编辑器（Alt+F11）→ 文件 → 导入文件，
'       选择 xlwings 安装目录中的 xlwings.bas；在 Mac 上还需导入同目录 addin 文件夹中的 Dictionary.cls。
'       xlwings 安装目录可在命令行中用以下命令查看：
'       python -c "import xlwings, os; print(os.path.dirname(xlwings.__file__))"
'    b) 或者先运行 xlwings addin install 安装 xlwings 加载项，
'       再在 VBA 编辑器的 工具 → 引用 中勾选 xlwings。
' 2. 再用 文件 → 导入文件 导入本文件（xlperf.bas），并把工作簿另存为 .xlsm。
' 3. 如果 Python 不在系统 PATH 中：新建一个名为 xlwings.conf 的工作表，
'    A1 填 Interpreter_Win，B1 填 python.exe 的完整路径（Mac 上用 Interpreter_Mac）。
'    xlwings 的版本必须与 xlperf 要求的一致（安装 xlperf 时会一并安装，见 docs/excel.md 第一节）。
' 4. 插入 → 形状（或 开发工具 → 插入 → 按钮），右键 → 指定宏 → 选择 XlperfRecalculate。

Option Explicit

Sub XlperfRecalculate()
    ' 对当前活动工作簿运行 xlperf.main()。没有活动工作簿时（如只打开了“受保护的视图”），
    ' 提示“没有打开的工作簿：请先打开……”，而不是 VBA 运行时错误 91。
    If ActiveWorkbook Is Nothing Then
        MsgBox ChrW(27809) & ChrW(26377) & ChrW(25171) & ChrW(24320) & ChrW(30340) & ChrW(24037) & ChrW(20316) & ChrW(31807) & ChrW(65306) & ChrW(35831) & ChrW(20808) & ChrW(25171) & ChrW(24320) & ChrW(35201) & ChrW(35745) & ChrW(31639) & ChrW(30340) & ChrW(32489) & ChrW(25928) & ChrW(33258) & ChrW(35780) & ChrW(24037) & ChrW(20316) & ChrW(31807) & ChrW(65288) & ChrW(22312) & ChrW(8220) & ChrW(21463) & ChrW(20445) & ChrW(25252) & ChrW(30340) & ChrW(35270) & ChrW(22270) & ChrW(8221) & ChrW(20013) & ChrW(35831) & ChrW(20808) & ChrW(28857) & ChrW(8220) & ChrW(21551) & ChrW(29992) & ChrW(32534) & ChrW(36753) & ChrW(8221) & ChrW(65289) & ChrW(65292) & ChrW(20877) & ChrW(25353) & ChrW(8220) & ChrW(37325) & ChrW(26032) & ChrW(35745) & ChrW(31639) & ChrW(8221) & ChrW(12290), vbExclamation, ChrW(32489) & ChrW(25928) & ChrW(33258) & ChrW(35780)
        Exit Sub
    End If
    RunPython "import xlperf; xlperf.main()"
End Sub
