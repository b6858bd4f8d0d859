<#macro emailLayout>
<html lang="${locale.language}" dir="${(ltr)?then('ltr','rtl')}">
<body style="margin:0;padding:0;background-color:#f4f5f7;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background-color:#f4f5f7;padding:24px 0;">
  <tr>
    <td align="center">
      <table role="presentation" width="560" cellpadding="0" cellspacing="0"
             style="background-color:#ffffff;border-radius:8px;padding:32px;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#1f2933;">
        <tr>
          <td data-tableauth="header" style="font-size:20px;font-weight:600;padding-bottom:16px;">${realmName}</td>
        </tr>
        <tr>
          <td style="font-size:15px;line-height:1.5;">
            <#nested>
          </td>
        </tr>
        <tr>
          <td style="font-size:12px;color:#6b7280;padding-top:24px;">${msg("tableauthMailFooter", realmName)}</td>
        </tr>
      </table>
    </td>
  </tr>
</table>
</body>
</html>
</#macro>
