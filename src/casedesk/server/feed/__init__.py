"""The council's social-care feed on the server: import the statutory returns (CIN census, SSDA903) checked
with the DfE's rules, match their children to the server's, publish their statuses to schools under the
agreements, and report on data quality. The pure parts live in `casedesk.domain.feed`."""
